using System.CommandLine;
using System.Globalization;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cli.Sweep;
using AsyncRL.Cli.Sweep.Results;

namespace AsyncRL.Cli.Commands;

/// <summary>
/// <c>asyncrl sweep</c>: the staleness study. Runs <c>asyncrl train --n N --seed S</c> for every algorithm × N × seed as
/// separate processes, in parallel where cores allow, then writes results.csv, the plots and report.md.
/// Exit code 0 when every run has its result, 1 when some failed, 2 for a usage error, 130 (SIGINT) or 143 (SIGTERM) when interrupted.
/// </summary>
internal static class SweepCommand
{
    public const int ExitFailedRuns = 1;
    public const int ExitInterrupted = 130;

    /// <summary>The interrupting signal's code: 130 for SIGINT (Ctrl-C), 143 for SIGTERM.</summary>
    private static int InterruptedExitCode() => Lifetime.ProcessShutdown.Current?.SignalExitCode is > 0 and var code ? code : ExitInterrupted;

    public static Command Create()
    {
        var command = new Command("sweep", "Run a grid of train runs over algorithms × N × seeds and draw how the score degrades with N.");
        var config = CommonOptions.Config();
        var args = new SweepArgs();
        command.Options.Add(config);
        args.AddTo(command);
        CommandRunner.SetAction(command, config, async (s, ct) =>
        {
            var settings = args.Resolve(s);
            var display = new SweepDisplay();
            var runner = new SweepRunner(settings, SelfCommand.Current(), TimeProvider.System, display.Changed);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"sweep: {settings.Jobs().Count} runs ({string.Join(",", settings.Algos)} × N {string.Join(",", settings.Ns)}{string.Concat(settings.Vary.Select(a => $" × {a.Name} {string.Join(",", a.Values)}"))} × {settings.Seeds} seeds) on {settings.Env}, {settings.Parallel} at a time, in {Path.GetFullPath(settings.Out)}"))
                .ConfigureAwait(false);
            var running = runner.RunAsync(ct);
            await display.FollowAsync(runner.Snapshot, running).ConfigureAwait(false);
            var outcome = await running.ConfigureAwait(false);
            var (results, missing) = SweepOutputs.Write(settings, outcome.Failures);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"sweep: {results.Count} of {results.Count + missing.Count} runs have results; wrote {Path.Combine(settings.Out, ResultsCsv.FileName)}, " +
                $"{SweepPlots.ScoreVsNName}.png, {SweepPlots.ScoreVsKlName}.png, {SweepReport.FileName}")).ConfigureAwait(false);
            foreach (var (job, failure) in outcome.Failures) await Console.Error.WriteLineAsync($"sweep: {job.Name} failed: {failure}").ConfigureAwait(false);
            return outcome.Interrupted ? InterruptedExitCode() : outcome.Failures.Count > 0 ? ExitFailedRuns : 0;
        }, signalExitCode: true);
        return command;
    }
}

/// <summary>The sweep's options, and their validation into <see cref="SweepSettings"/>.</summary>
internal sealed class SweepArgs
{
    public Option<string?> Algo { get; } = new("--algo") { Description = "Algorithms, comma-separated: ppo,dqn (and the language-model algorithms where built)." };
    public Option<string> Env { get; } = CommonOptions.Env();
    public Option<string?> N { get; } = new("--n") { Description = "Values of N, comma-separated, e.g. 1,2,4,8: each run takes N updates per policy version." };
    public Option<int> Seeds { get; } = new("--seeds") { Description = "Seeds per grid point.", DefaultValueFactory = _ => 3 };
    public Option<ulong> SeedBase { get; } = new("--seed-base") { Description = "First seed; the others follow it.", DefaultValueFactory = _ => 1UL };
    public Option<string> Out { get; } = CommonOptions.Out("runs/sweep");
    public Option<long?> Steps { get; } = new("--steps") { Description = "Environment-step budget of each run (default: train's)." };
    public Option<string[]> EnvArg { get; } = CommonOptions.EnvArg();
    public Option<int?> Parallel { get; } = new("--parallel") { Description = "Runs at once (default: half the processors, at least 1)." };
    public Option<int?> Actors { get; } = new("--actors") { Description = "Rollout actors per run (default: train's)." };
    public Option<int?> EnvsPerActor { get; } = new("--envs-per-actor") { Description = "Environments per actor (default: train's)." };
    public Option<bool> NoEarlyStop { get; } = CommonOptions.NoEarlyStop();
    public Option<string[]> TrainArg { get; } = new("--train-arg")
    {
        Description = "Another train option for every run: NAME=VALUE or NAME, e.g. max-staleness=4 (repeatable).",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };
    public Option<string[]> Vary { get; } = new("--vary")
    {
        Description = "A train option to vary across the grid: NAME=V1,V2,… e.g. beta=0.05,0.1,0.2 (repeatable; the values of every --vary are crossed).",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Algo, Env, N, Seeds, SeedBase, Out, Steps, EnvArg, Parallel, Actors, EnvsPerActor, NoEarlyStop, TrainArg, Vary })
            command.Options.Add(option);
    }

    /// <summary>Every option checked up front, with a precise usage error (exit code 2) for the first bad one.</summary>
    public SweepSettings Resolve(SettingSource s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var algos = List(s.Get(Algo), "--algo", "give one or more algorithms, e.g. --algo ppo,dqn")
            .Select(a => a.ToLowerInvariant()).ToList();
        if (algos.Distinct().Count() != algos.Count) throw new CliUsageException($"--algo {s.Get(Algo)}: an algorithm is named twice.");
        string env = s.Get(Env);
        var envArgs = s.Get(EnvArg);
        var parsedEnvArgs = LearnerArgs.ParseEnvArgs(envArgs);
        foreach (string algo in algos) LearnerArgs.CheckRun(algo, env, parsedEnvArgs);

        var ns = new List<int>();
        foreach (string text in List(s.Get(N), "--n", "give the values of N, e.g. --n 1,2,4,8"))
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw new CliUsageException($"--n {s.Get(N)}: '{text}' is not a whole number of at least 1.");
            if (ns.Contains(n)) throw new CliUsageException($"--n {s.Get(N)}: {n} is given twice.");
            ns.Add(n);
        }
        int seeds = s.Get(Seeds);
        if (seeds < 1) throw new CliUsageException($"--seeds {seeds}: at least one seed per grid point.");
        ulong seedBase = s.Get(SeedBase);
        if (seedBase > ulong.MaxValue - (ulong)seeds) throw new CliUsageException($"--seed-base {seedBase}: the seeds would overflow.");
        if (s.Get(Steps) is < 1) throw new CliUsageException($"--steps {s.Get(Steps)}: the budget must be positive.");
        if (s.Get(Parallel) is < 1) throw new CliUsageException($"--parallel {s.Get(Parallel)}: at least one run at a time.");
        if (s.Get(Actors) is < 1 || s.Get(EnvsPerActor) is < 1) throw new CliUsageException("--actors and --envs-per-actor must be at least 1.");
        var trainArgs = s.Get(TrainArg).ToList();
        var trainOptions = TrainCommand.Create().Options.Select(o => o.Name.TrimStart('-')).ToList();
        foreach (string option in trainArgs)
            if (TrainArguments.Problem(option, trainOptions) is { } problem) throw new CliUsageException(problem);
        if (s.Get(NoEarlyStop) && !trainArgs.Contains("no-early-stop")) trainArgs.Add("no-early-stop");
        var vary = Axes(s.Get(Vary), trainArgs, trainOptions);
        string outDir = s.Get(Out);
        if (string.IsNullOrWhiteSpace(outDir)) throw new CliUsageException("--out: give the sweep's directory.");
        if (File.Exists(outDir)) throw new CliUsageException($"--out {outDir}: a file of that name exists; the sweep needs a directory.");

        var settings = new SweepSettings
        {
            Algos = algos,
            Env = env,
            Ns = [.. ns.Order()],
            Seeds = seeds,
            SeedBase = seedBase,
            Out = outDir,
            Steps = s.Get(Steps),
            EnvArgs = envArgs,
            TrainArgs = trainArgs,
            Vary = vary,
            Actors = s.Get(Actors),
            EnvsPerActor = s.Get(EnvsPerActor),
            Parallel = s.Get(Parallel) ?? SweepSettings.DefaultParallel(),
        };
        CheckVariants(settings);
        return settings;
    }

    /// <summary>Every variant's values parse as train's options do (a bad one fails here, not in each of its runs).</summary>
    private static void CheckVariants(SweepSettings settings)
    {
        if (settings.Vary.Count == 0) return;
        var train = TrainCommand.Create();
        foreach (var job in settings.Jobs().DistinctBy(j => j.Options))
        {
            var parsed = train.Parse([.. TrainArguments.For(settings, job).Skip(1)]);
            if (parsed.Errors.Count > 0)
                throw new CliUsageException($"--vary {job.Options.Label}: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
        }
    }

    /// <summary>
    /// Each <c>--vary NAME=V1,V2,…</c>: a train option (checked as <c>--train-arg</c> is) that takes a value, not set by
    /// a <c>--train-arg</c> too nor varied twice, with distinct non-empty values.
    /// </summary>
    internal static IReadOnlyList<SweepAxis> Axes(IEnumerable<string> vary, IReadOnlyCollection<string> trainArgs, IReadOnlyCollection<string> trainOptions)
    {
        var axes = new List<SweepAxis>();
        foreach (string text in vary)
        {
            int eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new CliUsageException($"--vary '{text}': expected NAME=V1,V2,… with a train option's name without dashes, e.g. beta=0.05,0.1.");
            string name = text[..eq].Trim();
            if (TrainArguments.Problem(name, trainOptions) is { } problem) throw new CliUsageException(problem.Replace("--train-arg", "--vary", StringComparison.Ordinal));
            if (trainArgs.Any(a => a == name || a.StartsWith(name + "=", StringComparison.Ordinal)))
                throw new CliUsageException($"--vary {name}: --train-arg sets --{name} for every run already.");
            if (axes.Any(a => a.Name == name)) throw new CliUsageException($"--vary {name}: the option is varied twice.");
            var values = List(text[(eq + 1)..], $"--vary {name}", "give its values, e.g. --vary beta=0.05,0.1");
            if (values.Distinct(StringComparer.Ordinal).Count() != values.Count) throw new CliUsageException($"--vary {text}: a value is given twice.");
            axes.Add(new SweepAxis(name, values));
        }
        return axes;
    }

    private static List<string> List(string? text, string option, string hint)
    {
        var items = (text ?? "").Split(',', StringSplitOptions.TrimEntries).ToList();
        if (string.IsNullOrWhiteSpace(text)) throw new CliUsageException($"{option}: {hint}.");
        if (items.Any(i => i.Length == 0)) throw new CliUsageException($"{option} {text}: an empty item between commas.");
        return items;
    }
}
