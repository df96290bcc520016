using System.Globalization;

namespace AsyncRL.Cli.Sweep;

/// <summary>The <c>asyncrl train</c> command line of one grid point, built in one place.</summary>
internal static class TrainArguments
{
    /// <summary>Environments whose runs share a supervised (SFT) policy and reward model per seed.</summary>
    public static readonly IReadOnlyList<string> LanguageEnvs = ["arith", "gold-rm"];

    /// <summary>Train options the sweep sets itself, so <see cref="SweepSettings.TrainArgs"/> may not.</summary>
    public static readonly IReadOnlyList<string> Reserved = ["algo", "env", "seed", "n", "out", "steps", "env-arg", "lag", "sync", "actors", "envs-per-actor", "sft-cache"];

    /// <summary>Where runs of a language task keep the SFT and reward models they share per (env, seed).</summary>
    public static string SftCacheDir(SweepSettings settings) => Path.Combine(settings.Out, "sft");

    /// <summary>Whether <paramref name="env"/>'s runs share per-seed models (and so need the preparation phase to build them once).</summary>
    public static bool SharesModels(string env) => LanguageEnvs.Contains(env, StringComparer.OrdinalIgnoreCase);

    /// <summary>The arguments after the executable: <c>train --algo … --n N --seed S --out DIR/runs/NAME …</c>.</summary>
    public static IReadOnlyList<string> For(SweepSettings settings, SweepJob job)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(job);
        var c = CultureInfo.InvariantCulture;
        var args = new List<string>
        {
            "train", "--algo", job.Algo, "--env", settings.Env, "--n", job.N.ToString(c), "--seed", job.Seed.ToString(c), "--out", job.RunDir,
        };
        if (settings.Steps is { } steps) args.AddRange(["--steps", steps.ToString(c)]);
        foreach (string pair in settings.EnvArgs) args.AddRange(["--env-arg", pair]);
        if (settings.Actors is { } actors) args.AddRange(["--actors", actors.ToString(c)]);
        if (settings.EnvsPerActor is { } envs) args.AddRange(["--envs-per-actor", envs.ToString(c)]);

        // ── Language tasks (arith, gold-rm): every run of a seed reuses the SFT policy and reward model built once for
        // (env, seed) by train's --sft-cache; the first job of each seed runs alone and builds them (SweepSchedule).
        if (SharesModels(settings.Env)) args.AddRange(["--sft-cache", SftCacheDir(settings)]);

        foreach (var (name, value) in job.Options.Settings) args.AddRange(["--" + name, value]);
        foreach (string option in settings.TrainArgs)
        {
            int eq = option.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) args.Add("--" + option);
            else args.AddRange(["--" + option[..eq], option[(eq + 1)..]]);
        }
        return args;
    }

    /// <summary>Checks one <c>--train-arg</c>: the name of one of <paramref name="trainOptions"/>, optionally <c>=value</c>, that the sweep does not set itself.</summary>
    public static string? Problem(string option, IReadOnlyCollection<string> trainOptions)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(trainOptions);
        string name = (option.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? option[..eq] : option).Trim();
        if (name.Length == 0 || name.StartsWith('-') || name.Any(char.IsWhiteSpace))
            return $"--train-arg '{option}': expected NAME or NAME=VALUE with a train option's name without dashes, e.g. no-early-stop or max-staleness=4.";
        if (Reserved.Contains(name, StringComparer.Ordinal))
            return $"--train-arg '{option}': the sweep sets --{name} itself{(name is "steps" or "env-arg" or "actors" or "envs-per-actor" ? $"; use the sweep's --{name}" : "")}.";
        if (!trainOptions.Contains(name, StringComparer.Ordinal))
            return $"--train-arg '{option}': train has no option --{name} (it has {string.Join(", ", trainOptions.Order(StringComparer.Ordinal).Select(o => "--" + o))}).";
        return null;
    }
}
