using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Cli.Configuration;
using AsyncRL.Environments;
using AsyncRL.Models;
using AsyncRL.Models.Checkpoints;

namespace AsyncRL.Cli.Commands;

/// <summary><c>asyncrl eval --checkpoint DIR</c>: greedy episodes with the newest verified checkpoint of a run.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Score a run's latest checkpoint with greedy episodes.");
        var config = CommonOptions.Config();
        var checkpoint = new Option<string>("--checkpoint") { Description = "A run directory (or its checkpoints/ folder)." };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to run.", DefaultValueFactory = _ => 20 };
        var seed = CommonOptions.Seed();
        foreach (var o in new Option[] { config, checkpoint, episodes, seed }) command.Options.Add(o);
        CommandRunner.SetAction(command, config, (s, ct) =>
        {
            var dir = s.Get(checkpoint);
            if (string.IsNullOrEmpty(dir)) throw new CliUsageException("--checkpoint DIR is required.");
            var runDir = Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)) == "checkpoints" ? Path.GetDirectoryName(Path.GetFullPath(dir))! : dir;
            var (env, hidden) = ReadConfig(Path.Combine(runDir, "config.json"));
            var problems = new List<string>();
            var latest = new CheckpointStore(Path.Combine(runDir, "checkpoints")).TryLoadLatest(problems)
                ?? throw new CliUsageException($"no verified checkpoint under {runDir}/checkpoints{(problems.Count > 0 ? ": " + string.Join("; ", problems) : "")}.");
            foreach (var problem in problems) Console.Error.WriteLine($"asyncrl eval: {problem}");
            if (LanguageEvaluation.TryScore(Path.Combine(runDir, "config.json"), latest) is { } languageResult)
            {
                Console.Out.WriteLine(languageResult);
                return Task.FromResult(0);
            }
            if (s.Get(episodes) < 1) throw new CliUsageException("--episodes must be at least 1.");
            if (MaddpgRun(Path.Combine(runDir, "config.json")) is { } maddpgHidden)
            {
                Console.Out.WriteLine(EvaluateMaddpg(env, maddpgHidden, latest.Model.Tensors, latest.Step, s.Get(episodes), s.Get(seed), ct));
                return Task.FromResult(0);
            }
            if (QValueRun(Path.Combine(runDir, "config.json")) is var (algo, envArgs, qHidden) && algo is not null)
            {
                var qSpec = EnvRegistry.SpecOf(env, envArgs);
                var network = new QNetwork(qSpec.ObservationSize, qSpec.ActionCount, qHidden, new Generator(0));
                network.LoadStateDict(latest.Model.Tensors);
                var (mean, success) = GreedyEvaluation.Run(network, env, envArgs, s.Get(episodes), s.Get(seed));
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    checkpoint_step = latest.Step, algo, env, episodes = s.Get(episodes), return_mean = mean, success_rate = success,
                    solved = qSpec.SolvedThreshold is { } qt && mean >= qt,
                }));
                return Task.FromResult(0);
            }
            var spec = EnvRegistry.SpecOf(env);
            var model = new ActorCritic(spec.ObservationSize, spec.ActionCount, hidden, new Generator(0));
            model.LoadStateDict(latest.Model.Tensors);
            var returns = Evaluate(model, env, s.Get(episodes), s.Get(seed), ct);
            var result = new
            {
                checkpoint_step = latest.Step,
                env,
                episodes = returns.Length,
                return_mean = returns.Average(),
                return_min = returns.Min(),
                return_max = returns.Max(),
                solved = spec.SolvedThreshold is { } t && returns.Average() >= t,
            };
            Console.Out.WriteLine(JsonSerializer.Serialize(result));
            return Task.FromResult(0);
        }, signalExitCode: true);
        return command;
    }

    private static (string Env, int[] Hidden) ReadConfig(string path)
    {
        if (!File.Exists(path)) throw new CliUsageException($"{path} not found: --checkpoint must name a run directory written by asyncrl.");
        using var doc = ParseConfig(path);
        var root = doc.RootElement;
        if (!root.TryGetProperty("env", out var envProperty) || envProperty.ValueKind != JsonValueKind.String)
            throw new CliUsageException($"{path}: 'env' is missing.");
        string env = envProperty.GetString()!;
        int[] hidden = [64, 64];
        if (root.TryGetProperty("ppo", out var ppo) && ppo.TryGetProperty("hidden", out var h) && h.ValueKind == JsonValueKind.Array)
            hidden = [.. h.EnumerateArray().Select(v => v.GetInt32())];
        return (env, hidden);
    }

    private static JsonDocument ParseConfig(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{path} is not the JSON asyncrl writes: {e.Message}");
        }
    }

    /// <summary>For a dqn or her run: its algorithm, environment arguments and Q-network widths; (null, …) otherwise.</summary>
    private static (string? Algo, Dictionary<string, string> EnvArgs, int[] Hidden) QValueRun(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        string? algo = root.TryGetProperty("algo", out var a) ? a.GetString() : null;
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("env_args", out var ea) && ea.ValueKind == JsonValueKind.Object)
            foreach (var p in ea.EnumerateObject()) args[p.Name] = p.Value.GetString() ?? "";
        var options = algo switch
        {
            "dqn" when root.TryGetProperty("dqn", out var d) => d,
            "her" when root.TryGetProperty("her", out var h) && h.TryGetProperty("dqn", out var hd) => hd,
            _ => (JsonElement?)null,
        };
        if (options is not { } o) return (null, args, []);
        int[] hidden = o.TryGetProperty("hidden", out var hs) && hs.ValueKind == JsonValueKind.Array ? [.. hs.EnumerateArray().Select(v => v.GetInt32())] : [.. new DqnOptions().Hidden];
        return (algo, args, hidden);
    }

    /// <summary>For a maddpg run: its hidden widths; null otherwise.</summary>
    private static int[]? MaddpgRun(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        if (!root.TryGetProperty("algo", out var a) || a.GetString() != MaddpgRunSpec.Algorithm) return null;
        return root.TryGetProperty("maddpg", out var m) && m.TryGetProperty("hidden", out var h) && h.ValueKind == JsonValueKind.Array
            ? [.. h.EnumerateArray().Select(v => v.GetInt32())]
            : [.. new MaddpgOptions().Hidden];
    }

    /// <summary>Greedy episodes with the checkpoint's decentralised policies: the return summed over agents, per agent and per team.</summary>
    private static string EvaluateMaddpg(string env, int[] hidden, IReadOnlyDictionary<string, AsyncRL.Models.Tensor> weights, long step, int episodes, ulong seed, CancellationToken ct)
    {
        var spec = EnvRegistry.MultiAgentSpecOf(env);
        var actors = new MaddpgActors(spec, hidden, new Generator(0));
        actors.LoadStateDict(weights);
        var r = MaddpgEvaluation.Run(actors, env, episodes, seed, greedy: true, ct);
        var result = new System.Text.Json.Nodes.JsonObject
        {
            ["checkpoint_step"] = step,
            ["algo"] = MaddpgRunSpec.Algorithm,
            ["env"] = env,
            ["episodes"] = episodes,
            ["return_mean"] = r.ReturnMean,
            ["agent_return_means"] = new System.Text.Json.Nodes.JsonArray([.. r.AgentReturnMeans.Select(v => (System.Text.Json.Nodes.JsonNode?)v)]),
        };
        if (r.TeamReturnMeans.Count > 1)
            foreach (var (team, mean) in r.TeamReturnMeans) result[$"{team}_return_mean"] = mean;
        return result.ToJsonString();
    }

    private static double[] Evaluate(ActorCritic model, string env, int episodes, ulong seed, CancellationToken ct)
    {
        if (episodes < 1) throw new CliUsageException("--episodes must be at least 1.");
        var policy = new PpoActingPolicy(model, 1);
        var e = EnvRegistry.Create(env, new Generator(seed));
        var obs = new float[e.Spec.ObservationSize];
        var action = new int[1];
        var returns = new double[episodes];
        for (int i = 0; i < episodes; i++)
        {
            ct.ThrowIfCancellationRequested();
            e.Reset(obs);
            StepResult r;
            do
            {
                policy.Greedy(obs, 1, action);
                r = e.Step(action[0], obs);
                returns[i] += r.Reward;
            }
            while (!r.Done);
        }
        return returns;
    }
}
