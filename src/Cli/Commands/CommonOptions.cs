using System.CommandLine;

namespace AsyncRL.Cli.Commands;

/// <summary>The options every command shares (DESIGN.md §8), defined once.</summary>
internal static class CommonOptions
{
    public static Option<string?> Config() => new("--config") { Description = "JSON file with defaults for any option (flags and ASYNCRL_* variables win)." };

    public static Option<string> Algo() => new("--algo") { Description = "Algorithm: ppo, dqn, her, maddpg; dpo, ppo-lm, rloo for the language tasks.", DefaultValueFactory = _ => "ppo" };

    public static Option<string> Env() => new("--env") { Description = "Environment id: cartpole, acrobot, bitflip (--env-arg n=15); multi-agent (maddpg): simple_spread, simple_adversary, simple_tag; language tasks arith, gold-rm.", DefaultValueFactory = _ => "cartpole" };

    public static Option<string[]> EnvArg() => new("--env-arg") { Description = "Environment argument key=value (repeatable).", AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => [] };

    public static Option<ulong> Seed() => new("--seed") { Description = "Run seed: initialisation, environments, sampling.", DefaultValueFactory = _ => 1UL };

    public static Option<string> Out(string fallback) => new("--out") { Description = "Run directory (config.json, metrics.jsonl, summary.json, checkpoints/).", DefaultValueFactory = _ => fallback };

    public static Option<int> Actors() => new("--actors") { Description = "Rollout actors in this node (default 2; 1 for the language tasks).", DefaultValueFactory = _ => 2 };

    public static Option<int> EnvsPerActor() => new("--envs-per-actor") { Description = "Environments each actor steps together.", DefaultValueFactory = _ => 8 };

    public static Option<long> Steps() => new("--steps") { Description = "Environment-step budget (maddpg: default 1000000; language tasks: completions generated, default 19200).", DefaultValueFactory = _ => 500_000L };

    public static Option<int> Lag() => new("--lag") { Description = "Actors act with the policy exactly N versions behind the newest.", DefaultValueFactory = _ => 0 };

    public static Option<int> MaxStaleness() => new("--max-staleness") { Description = "Leave rows staler than K versions out of updates (-1: keep all).", DefaultValueFactory = _ => -1 };

    public static Option<int?> N() => new("--n")
    {
        Description = "Off-policyness N: actors generate N fragments with one policy version, then wait for the next; the learner publishes every N updates (1: on-policy, same as --sync). Excludes --lag.",
    };

    public static Option<bool> Sync() => new("--sync") { Description = "Synchronous baseline: actors wait for each new version before acting again." };

    public static Option<bool> NoEarlyStop() => new("--no-early-stop") { Description = "Run the whole step budget even once solved." };

    public static Option<bool> Linger() => new("--linger")
    {
        Description = "After the run finishes, stay up (idle) until stopped instead of exiting: for supervisors that restart whatever exits, e.g. Kubernetes.",
    };

    /// <summary>With <c>--linger</c>: waits, idle, until the process is asked to stop.</summary>
    public static async Task LingerAsync(bool linger, CancellationToken cancellationToken)
    {
        if (!linger) return;
        await Console.Out.WriteLineAsync("lingering until stopped (--linger)").ConfigureAwait(false);
        Lifetime.StartupPhases.Reach(Lifetime.StartupPhases.Linger);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // asked to stop: the normal end of a lingering process
        }
    }

    public static Option<string?> Token() => new("--token") { Description = "Bearer token the learner requires (ASYNCRL_TOKEN)." };
}
