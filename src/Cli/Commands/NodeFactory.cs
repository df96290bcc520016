using System.CommandLine;
using AsyncRL.Actors;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Cli.Configuration;
using AsyncRL.Learner;

namespace AsyncRL.Cli.Commands;

/// <summary>Builds node options from resolved settings, in one place for train, learner and actor.</summary>
internal static class NodeFactory
{
    /// <summary>PPO settings that solve CartPole quickly in wall-clock time with a few hundred rows per update.</summary>
    public static PpoOptions Ppo(int rowsPerUpdate) => new()
    {
        AnnealLearningRate = false,
        RolloutLength = 32,
        RowsPerUpdate = rowsPerUpdate,
        // One pass in 8 minibatches at a high rate: fewer learner seconds per sample, which is what
        // limits wall-clock time to solve here (measured over seeds 1–5 against 4 epochs × 4 at 5e-3).
        LearningRate = 1e-2f,
        Epochs = 1,
        Minibatches = 8,
    };

    public static LearnerNodeOptions Learner(SettingSource s, LearnerArgs a, string listen, int? healthPort, int rowsPerUpdate) => new()
    {
        Listen = listen,
        HealthPort = healthPort,
        Algorithm = s.Get(a.Algo),
        Env = s.Get(a.Env),
        Seed = s.Get(a.Seed),
        OutDir = s.Get(a.Out),
        Steps = s.Get(a.Steps),
        Lag = checked((uint)Math.Max(0, s.Get(a.Lag))),
        MaxStaleness = s.Get(a.MaxStaleness) is var k and >= 0 ? (uint)k : 0,
        NoEarlyStop = s.Get(a.NoEarlyStop),
        AuthToken = s.Get(a.Token),
        Ppo = Ppo(rowsPerUpdate) with { UseVTrace = s.Get(a.VTrace) },
        // Little buffering between actors and learner: every queued batch is a version of staleness.
        InitialCredits = 1,
        IngestQueueCapacity = 2,
    };

    public static ActorNodeOptions Actor(Uri learner, int actors, int envsPerActor, bool sync, string? token, string? nodeId) => new()
    {
        LearnerAddress = learner,
        Actors = actors,
        EnvsPerActor = envsPerActor,
        Sync = sync,
        AuthToken = token,
        NodeId = string.IsNullOrEmpty(nodeId) ? ActorNodeOptions.DefaultNodeId() : nodeId,
        MaxUnackedBatches = 1,
    };
}

/// <summary>The learner-side options, shared by <c>train</c> and <c>learner</c>.</summary>
internal sealed class LearnerArgs
{
    public Option<string> Algo { get; } = CommonOptions.Algo();
    public Option<string> Env { get; } = CommonOptions.Env();
    public Option<string[]> EnvArg { get; } = CommonOptions.EnvArg();
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<string> Out { get; }
    public Option<long> Steps { get; } = CommonOptions.Steps();
    public Option<int> Lag { get; } = CommonOptions.Lag();
    public Option<int> MaxStaleness { get; } = CommonOptions.MaxStaleness();
    public Option<bool> NoEarlyStop { get; } = CommonOptions.NoEarlyStop();
    public Option<string?> Token { get; } = CommonOptions.Token();
    public Option<bool> VTrace { get; } = new("--vtrace") { Description = "V-trace targets (IMPALA) instead of GAE: corrects for the behaviour policy." };

    public LearnerArgs(string defaultOut) => Out = CommonOptions.Out(defaultOut);

    public void AddTo(System.CommandLine.Command command)
    {
        foreach (var option in new System.CommandLine.Option[] { Algo, Env, EnvArg, Seed, Out, Steps, Lag, MaxStaleness, NoEarlyStop, Token, VTrace })
            command.Options.Add(option);
    }

    /// <summary>Only what exists today: PPO, and no environment arguments for the classic tasks.</summary>
    public void Check(SettingSource s)
    {
        if (!string.Equals(s.Get(Algo), PpoRunSpec.Algorithm, StringComparison.OrdinalIgnoreCase))
            throw new CliUsageException($"--algo {s.Get(Algo)}: this build runs 'ppo' (dqn, her, maddpg and the language-model algorithms are not implemented yet).");
        if (s.Get(EnvArg).Length > 0)
            throw new CliUsageException($"--env-arg: {s.Get(Env)} takes no arguments.");
    }
}
