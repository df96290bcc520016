using System.CommandLine;
using AsyncRL.Actors;
using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Her;
using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Cli.Configuration;
using AsyncRL.Learner;

namespace AsyncRL.Cli.Commands;

/// <summary>Builds node options from resolved settings, in one place for train, learner and actor.</summary>
internal static class NodeFactory
{
    /// <summary>PPO settings that solve CartPole quickly in wall-clock time with a few hundred rows per update.</summary>
    public static PpoOptions Ppo(int rowsPerUpdate, string? env = null) => new()
    {
        AnnealLearningRate = false,
        RolloutLength = 32,
        RowsPerUpdate = rowsPerUpdate,
        // One pass in 8 minibatches at a high rate: fewer learner seconds per sample, which is what
        // limits wall-clock time to solve here (measured over seeds 1–5 against 4 epochs × 4 at 5e-3).
        // Acrobot's policy collapsed to one action at 1e-2 on one seed in six (entropy 0, return −500 to
        // the end); at 3e-3 seeds 1–6 all solved, in 1.3–2.6 s.
        LearningRate = string.Equals(env, "acrobot", StringComparison.OrdinalIgnoreCase) ? 3e-3f : 1e-2f,
        Epochs = 1,
        Minibatches = 8,
    };

    /// <summary>
    /// DQN settings for the CLI: DqnOptions' defaults with 16 sampled rows per inserted one instead of 32 (CleanRL's
    /// CartPole DQN replays 12.8). Measured through the CLI on seeds 1–12, 300k-step budget: all solved, in 3.2–4.4 s
    /// and 70–107k env steps; at 32, seeds 1–6 took 2.9–6.9 s and a greedy policy that held the threshold came late on
    /// some seeds (one of five did not get there in 500k steps).
    /// </summary>
    public static DqnOptions Dqn(bool checkpointReplay) => new() { CheckpointReplay = checkpointReplay, SamplesPerInsert = 16 };

    /// <summary>
    /// MADDPG settings for the CLI: the reference defaults (see MaddpgOptions) but batches of 256 instead of 1024, an
    /// update costing about a third, and 20.48 rows sampled per row inserted instead of 10.24, so eight times as many
    /// updates. Measured on simple_spread, seed 1, 1M steps (the mean return of the episodes finished in each 100k
    /// steps): batches of 256 at 10.24 level off near −411 from 600k steps on, at 20.48 near −400 from 500k on
    /// (−407 already at 400k), at twice the learner time; batches of 512 at 20.48 came later (−422 at 500k).
    /// </summary>
    public static MaddpgOptions Maddpg(bool checkpointReplay) => new() { BatchSize = 256, SamplesPerInsert = 20.48, CheckpointReplay = checkpointReplay };

    /// <summary>DQN + HER settings for the CLI.</summary>
    public static HerOptions Her(string strategy, int k, AsyncRL.Models.Engine.ModelEngine? engine = null)
    {
        var her = new HerOptions { Strategy = HerRelabel.Parse(strategy), K = k };
        return engine is null ? her : her with { Dqn = her.Dqn with { Engine = engine } };
    }

    /// <summary>The language algorithms' settings from the CLI (defaults in <see cref="LanguageRlOptions"/>).</summary>
    public static LanguageRlOptions Language(SettingSource s, LearnerArgs a) => new()
    {
        K = s.Get(a.K),
        Beta = s.Get(a.Beta),
        SftCache = s.Get(a.SftCache),
        ScoreEvery = s.Get(a.ScoreEvery),
        CompletionsPerBatch = s.Get(a.CompletionsPerBatch),
        LearningRate = s.Get(a.LearningRate) ?? new LanguageRlOptions().LearningRate,
        Schedule = LearningRates.Parse(s.Get(a.LearningRateSchedule)),
        TotalUpdates = s.Get(a.CompletionsPerBatch) is > 0 and var perBatch ? Steps(s, a) / perBatch : null,
        Engine = a.Engine(s),
    };

    /// <summary>Completions a language run generates when <c>--steps</c> is not given: 300 updates of 64.</summary>
    public const long LanguageDefaultSteps = 19_200;

    /// <summary>
    /// Environment steps a maddpg run takes when <c>--steps</c> is not given: the particle tasks define no "solved"
    /// threshold to stop at, and on simple_spread the summed return levels off near −400 (the published MADDPG level)
    /// only after 500–700k steps; the general 500k default ended at −436.5 (seed 1, replaying 10.24 rows per insert).
    /// </summary>
    public const long MaddpgDefaultSteps = 1_000_000;

    /// <summary>The step budget: <c>--steps</c> where given (flag, environment or config file), else the algorithm's default.</summary>
    internal static long Steps(SettingSource s, LearnerArgs a) => s.IsSet(a.Steps) ? s.Get(a.Steps) : s.Get(a.Algo) switch
    {
        var algo when LanguageObjectives.IsLanguageAlgorithm(algo) => LanguageDefaultSteps,
        var algo when string.Equals(algo, MaddpgRunSpec.Algorithm, StringComparison.OrdinalIgnoreCase) => MaddpgDefaultSteps,
        _ => s.Get(a.Steps),
    };

    /// <summary>
    /// Builds the learner's algorithm off the caller's thread: the language algorithms train their SFT model here (said
    /// on standard output, as it takes a while), which the process's shutdown token stops between steps.
    /// </summary>
    public static async Task<AsyncRL.Algorithms.ILearnerAlgorithm> CreateAlgorithmAsync(LearnerNodeOptions options, CancellationToken cancellationToken)
    {
        Lifetime.StartupPhases.Reach(Lifetime.StartupPhases.Prepare);
        cancellationToken.ThrowIfCancellationRequested();
        if (LanguageObjectives.IsLanguageAlgorithm(options.Algorithm))
            await Console.Out.WriteLineAsync($"preparing the SFT model for {options.Algorithm} on {options.Env} (seed {options.Seed})").ConfigureAwait(false);
        return await Task.Run(() => LearnerAlgorithms.Create(options, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public static LearnerNodeOptions Learner(SettingSource s, LearnerArgs a, string listen, int? healthPort, int rowsPerUpdate) => new()
    {
        Listen = listen,
        HealthPort = healthPort,
        Algorithm = s.Get(a.Algo),
        Env = s.Get(a.Env),
        Seed = s.Get(a.Seed),
        OutDir = s.Get(a.Out),
        Steps = Steps(s, a),
        Lag = checked((uint)Math.Max(0, s.Get(a.Lag))),
        OffPolicyN = s.Get(a.N),
        MaxStaleness = s.Get(a.MaxStaleness) is var k and >= 0 ? (uint)k : 0,
        NoEarlyStop = s.Get(a.NoEarlyStop),
        AuthToken = s.Get(a.Token),
        Ppo = Ppo(rowsPerUpdate, s.Get(a.Env)) with { UseVTrace = s.Get(a.VTrace), Engine = a.Engine(s) },
        EnvArgs = a.ParseEnvArgs(s),
        Dqn = Dqn(s.Get(a.CheckpointReplay)) with { Engine = a.Engine(s) },
        Her = Her(s.Get(a.HerStrategy), s.Get(a.HerK), a.Engine(s)),
        Maddpg = Maddpg(s.Get(a.CheckpointReplay)) with { Engine = a.Engine(s) },
        Language = Language(s, a),
        TargetScore = s.Get(a.TargetScore),
        // Little buffering between actors and learner: every queued batch is a version of staleness.
        InitialCredits = 1,
        IngestQueueCapacity = 2,
        PublishEvery = PublishEvery(s.Get(a.Algo), s.Get(a.Lag)),
        MessageStallTimeout = Seconds(s.Get(a.MessageStallTimeout), "--message-stall-timeout"),
        MaxConcurrentCalls = s.Get(a.MaxConcurrentCalls) is >= 1 and var calls ? calls : throw new CliUsageException($"--max-concurrent-calls {s.Get(a.MaxConcurrentCalls)}: at least one call."),
    };

    private static TimeSpan Seconds(double seconds, string option) => seconds is > 0 and <= 86_400
        ? TimeSpan.FromSeconds(seconds)
        : throw new CliUsageException($"{option} {seconds}: give a number of seconds above 0 and at most 86400.");

    /// <summary>
    /// Updates per published version. DQN and HER update every few hundredths of a millisecond, and a version per
    /// update kept the actors fetching weights all run long; like Ape-X's actors, which fetch every 400 frames, they
    /// get one every 32 updates (DQN CartPole through the CLI, seeds 1–6: solved in 2.7–3.5 s against 3.7–4.9 s).
    /// A lag needs a version every update.
    /// </summary>
    internal static int PublishEvery(string algorithm, int lag) =>
        lag <= 0 && (string.Equals(algorithm, DqnRunSpec.Algorithm, StringComparison.OrdinalIgnoreCase)
            || string.Equals(algorithm, HerLearnerAlgorithm.AlgorithmName, StringComparison.OrdinalIgnoreCase)) ? 32 : 1;

    public static ActorNodeOptions Actor(Uri? learner, int actors, int envsPerActor, bool sync, string? token, string? nodeId, int? n = null) => new()
    {
        LearnerAddress = learner,
        Actors = actors,
        EnvsPerActor = envsPerActor,
        Sync = sync,
        OffPolicyN = n,
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
    public Option<int?> N { get; } = CommonOptions.N();
    public Option<int> MaxStaleness { get; } = CommonOptions.MaxStaleness();
    public Option<bool> NoEarlyStop { get; } = CommonOptions.NoEarlyStop();
    public Option<string?> Token { get; } = CommonOptions.Token();
    public Option<string?> Backend { get; } = new("--backend") { Description = "Engine of the learner's networks: torch (TorchSharp/libtorch) or managed (our own); every algorithm runs on both. Default: managed, the faster here (README)." };
    public Option<string> Device { get; } = new("--device") { Description = "Device of the learner's networks with --backend torch: cpu, cuda or cuda:N (CUDA needs a CUDA build of libtorch).", DefaultValueFactory = _ => "cpu" };
    public Option<bool> VTrace { get; } = new("--vtrace") { Description = "V-trace targets (IMPALA) instead of GAE: corrects for the behaviour policy." };
    public Option<string> HerStrategy { get; } = new("--her-strategy") { Description = "HER relabelling: future, final or episode.", DefaultValueFactory = _ => "future" };
    public Option<int> HerK { get; } = new("--her-k") { Description = "HER: relabelled transitions per original one.", DefaultValueFactory = _ => 4 };
    public Option<bool> CheckpointReplay { get; } = new("--checkpoint-replay") { Description = "DQN, MADDPG: keep the replay buffer in checkpoints; a restarted learner resumes with it." };
    public Option<int?> K { get; } = new("--k") { Description = "Language tasks: completions per prompt (dpo 2 — best and worst of K form the pair; rloo 2; ppo-lm 1)." };
    public Option<float?> Beta { get; } = new("--beta") { Description = "Language tasks: KL strength β (dpo 0.1; ppo-lm and rloo 0.05, in the reward)." };
    public Option<string?> SftCache { get; } = new("--sft-cache") { Description = "Language tasks: reuse the SFT (and proxy reward) models cached in DIR for the same task, seed and settings, or cache them there." };
    public Option<double?> TargetScore { get; } = new("--target-score") { Description = "Language tasks: solved once the held-out score logged every --score-every updates reaches this; the run stops there unless --no-early-stop." };
    public Option<int> ScoreEvery { get; } = new("--score-every") { Description = "Language tasks: log the held-out score and KL to the SFT model every N updates.", DefaultValueFactory = _ => 10 };
    public Option<int> CompletionsPerBatch { get; } = new("--completions-per-batch") { Description = "Language tasks: completions per mini-batch (and update), K per prompt.", DefaultValueFactory = _ => 64 };
    public Option<float?> LearningRate { get; } = new("--lr") { Description = "Language tasks: AdamW's learning rate η₀ (default 1e-4)." };
    public Option<double> MessageStallTimeout { get; } = new("--message-stall-timeout") { Description = "Seconds a call may wait for the rest of a request message once part of it arrived (then DEADLINE_EXCEEDED); idle time between messages is not bounded.", DefaultValueFactory = _ => 30 };
    public Option<int> MaxConcurrentCalls { get; } = new("--max-concurrent-calls") { Description = "Calls the learner's port serves at once across all connections; more are refused RESOURCE_EXHAUSTED.", DefaultValueFactory = _ => 10_000 };
    public Option<string> LearningRateSchedule { get; } = new("--lr-schedule") { Description = "Language tasks: constant, or linear (η₀ falling to 0 over the run's updates, as the Asynchronous RLHF paper's trainers do).", DefaultValueFactory = _ => "constant" };

    public LearnerArgs(string defaultOut) => Out = CommonOptions.Out(defaultOut);

    /// <summary>The engine of the learner's networks: <c>--backend</c> (else the algorithm's measured default) and <c>--device</c>.</summary>
    public AsyncRL.Models.Engine.ModelEngine Engine(SettingSource s) => ModelEngines.Resolve(s.Get(Backend), s.Get(Device), s.Get(Algo));

    public void AddTo(System.CommandLine.Command command)
    {
        foreach (var option in new System.CommandLine.Option[] { Algo, Env, EnvArg, Seed, Out, Steps, Lag, N, MaxStaleness, NoEarlyStop, Token, Backend, Device, VTrace, HerStrategy, HerK, CheckpointReplay,
                     K, Beta, SftCache, TargetScore, ScoreEvery, CompletionsPerBatch, LearningRate, LearningRateSchedule, MessageStallTimeout, MaxConcurrentCalls })
            command.Options.Add(option);
    }

    /// <summary>The algorithms this build runs, the environment and its arguments, checked before anything starts.</summary>
    public void Check(SettingSource s)
    {
        CheckN(s.Get(N), s.Get(Lag));
        string algo = s.Get(Algo), env = s.Get(Env);
        var args = ParseEnvArgs(s);
        CheckRun(algo, env, args);
        ModelEngines.Check(Engine(s), algo);
        if (LanguageObjectives.IsLanguageAlgorithm(algo)) CheckLanguage(s, algo.ToLowerInvariant(), env, args);
        try
        {
            NodeFactory.Her(s.Get(HerStrategy), s.Get(HerK)).Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--her-strategy/--her-k: {e.Message}");
        }
    }

    /// <summary>The algorithm is one this build runs, on an environment it can run with these arguments (for train, learner and sweep).</summary>
    public static void CheckRun(string algo, string env, IReadOnlyDictionary<string, string> args)
    {
        string[] known = [PpoRunSpec.Algorithm, DqnRunSpec.Algorithm, HerLearnerAlgorithm.AlgorithmName, MaddpgRunSpec.Algorithm, .. LanguageObjectives.Names];
        if (!known.Contains(algo, StringComparer.OrdinalIgnoreCase))
            throw new CliUsageException($"--algo {algo}: this build runs {string.Join(", ", known)}.");
        if (LanguageObjectives.IsLanguageAlgorithm(algo))
        {
            if (!AsyncRL.Environments.Language.LanguageTasks.IsLanguageTask(env))
                throw new CliUsageException($"--algo {algo} trains the language tasks ({string.Join(", ", AsyncRL.Environments.Language.LanguageTasks.Ids)}), not '{env}'.");
            try
            {
                AsyncRL.Environments.Language.LanguageTasks.SpecOf(env, args);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException($"--env {env}: {e.Message}");
            }
            return;
        }
        if (CheckMultiAgent(algo, env, args)) return;
        if (args.Count > 0 && string.Equals(algo, PpoRunSpec.Algorithm, StringComparison.OrdinalIgnoreCase))
            throw new CliUsageException("--env-arg: ppo runs its environments without arguments.");
        AsyncRL.Environments.IEnvironment probe;
        try
        {
            probe = AsyncRL.Environments.EnvRegistry.Create(env, args, new AsyncRL.Models.Generator(0));
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--env {env}: {e.Message}");
        }
        if (string.Equals(algo, HerLearnerAlgorithm.AlgorithmName, StringComparison.OrdinalIgnoreCase) && probe is not AsyncRL.Environments.Goals.IGoalEnvironment)
            throw new CliUsageException($"--algo her needs a goal-conditioned environment (bitflip); '{probe.Spec.Id}' is not one.");
    }

    /// <summary><c>--n</c> is at least 1 and comes without a lag.</summary>
    public static void CheckN(int? n, int lag)
    {
        if (n is null) return;
        if (n < 1) throw new CliUsageException($"--n {n}: N must be at least 1 (1 is the on-policy baseline; leave --n out for the asynchronous mode).");
        if (lag > 0)
            throw new CliUsageException($"--n {n} and --lag {lag} exclude each other: with --n actors wait for the next version, which an actor acting {lag} versions behind never gets in time.");
    }

    /// <summary>
    /// Multi-agent tasks run with maddpg and maddpg only with them. Returns whether the pair is a multi-agent one
    /// (then fully checked here).
    /// </summary>
    private static bool CheckMultiAgent(string algo, string env, IReadOnlyDictionary<string, string> args)
    {
        bool maddpg = string.Equals(algo, MaddpgRunSpec.Algorithm, StringComparison.OrdinalIgnoreCase);
        if (!AsyncRL.Environments.EnvRegistry.IsMultiAgent(env))
        {
            if (!maddpg) return false;
            try
            {
                AsyncRL.Environments.EnvRegistry.SpecOf(env);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException($"--env {env}: {e.Message}");
            }
            throw new CliUsageException($"--algo maddpg needs a multi-agent environment ({string.Join(", ", AsyncRL.Environments.Particles.ParticleScenarios.Ids)}); '{env}' is not one.");
        }
        AsyncRL.Environments.MultiAgentEnvSpec spec;
        try
        {
            spec = AsyncRL.Environments.EnvRegistry.MultiAgentSpecOf(env, args);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--env {env}: {e.Message}");
        }
        if (!maddpg) throw new CliUsageException($"--env {spec.Id} is a multi-agent task ({spec.AgentCount} agents): run it with --algo maddpg.");
        return true;
    }

    /// <summary>The language options (K, β, target score) fit the algorithm; the task itself is checked by <see cref="CheckRun"/>.</summary>
    private void CheckLanguage(SettingSource s, string algo, string env, IReadOnlyDictionary<string, string> args)
    {
        try
        {
            NodeFactory.Language(s, this).Validate(algo);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--env {env} / --k / --beta / --lr / --lr-schedule: {e.Message}");
        }
        if (s.Get(TargetScore) is { } target && !double.IsFinite(target)) throw new CliUsageException($"--target-score {target} is not a finite number.");
    }

    /// <summary><c>--env-arg key=value</c> pairs; throws for one without '=' or a repeated key.</summary>
    public Dictionary<string, string> ParseEnvArgs(SettingSource s) => ParseEnvArgs(s.Get(EnvArg));

    /// <summary><c>key=value</c> pairs; throws for one without '=' or a repeated key.</summary>
    public static Dictionary<string, string> ParseEnvArgs(IEnumerable<string> pairs)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new CliUsageException($"--env-arg '{pair}': expected key=value.");
            if (!args.TryAdd(pair[..eq].Trim(), pair[(eq + 1)..].Trim())) throw new CliUsageException($"--env-arg: '{pair[..eq]}' is given twice.");
        }
        return args;
    }
}
