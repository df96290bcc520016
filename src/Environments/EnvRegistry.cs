using AsyncRL.Environments.Classic;
using AsyncRL.Environments.Goals;
using AsyncRL.Environments.Language;

namespace AsyncRL.Environments;

/// <summary>Creates environments by id, each with its own generator derived from a seed.</summary>
public static class EnvRegistry
{
    private static readonly Dictionary<string, (EnvSpec Spec, Func<Generator, IEnvironment> Create)> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cartpole"] = (CartPole.DefaultSpec, rng => new CartPole(rng)),
        ["acrobot"] = (Acrobot.DefaultSpec, rng => new Acrobot(rng)),
        [BitFlip.Id] = (BitFlip.SpecFor(BitFlip.DefaultBits), rng => new BitFlip(BitFlip.DefaultBits, rng)),
    };

    /// <summary>Known ids.</summary>
    public static IReadOnlyCollection<string> Ids => Entries.Keys;

    /// <summary>The spec of an id.</summary>
    public static EnvSpec SpecOf(string id) => Lookup(id).Spec;

    /// <summary>One environment seeded by <paramref name="rng"/>.</summary>
    public static IEnvironment Create(string id, Generator rng) => Lookup(id).Create(rng);

    /// <summary>A vector of <paramref name="count"/> environments with independent streams derived from <paramref name="seed"/>.</summary>
    public static VectorEnv CreateVector(string id, int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var root = new Generator(seed);
        var entry = Lookup(id);
        return new VectorEnv(Enumerable.Range(0, count).Select(_ => entry.Create(root.Fork())));
    }

    /// <summary>
    /// The spec of an id with environment arguments (<c>--env-arg key=value</c>): <c>bitflip</c> takes
    /// <c>n</c>; the other tasks take none. Throws with the reason when the arguments do not fit. The language
    /// tasks (<see cref="LanguageTasks"/>) have a spec too, though no environment to step.
    /// </summary>
    public static EnvSpec SpecOf(string id, IReadOnlyDictionary<string, string>? args) =>
        IsBitFlip(id) ? BitFlip.SpecFor(BitFlip.ParseBits(args))
        : LanguageTasks.IsLanguageTask(id) ? LanguageTasks.SpecOf(id, args)
        : NoArgs(id, args).Spec;

    /// <summary>One environment with arguments, seeded by <paramref name="rng"/>.</summary>
    public static IEnvironment Create(string id, IReadOnlyDictionary<string, string>? args, Generator rng) =>
        IsBitFlip(id) ? new BitFlip(BitFlip.ParseBits(args), rng) : NoArgs(id, args).Create(rng);

    /// <summary>A vector of environments with arguments, with independent streams derived from <paramref name="seed"/>.</summary>
    public static VectorEnv CreateVector(string id, IReadOnlyDictionary<string, string>? args, int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var root = new Generator(seed);
        return new VectorEnv(Enumerable.Range(0, count).Select(_ => Create(id, args, root.Fork())));
    }

    private static bool IsBitFlip(string id) => string.Equals(id, BitFlip.Id, StringComparison.OrdinalIgnoreCase);

    private static (EnvSpec Spec, Func<Generator, IEnvironment> Create) NoArgs(string id, IReadOnlyDictionary<string, string>? args) =>
        args is null || args.Count == 0 ? Lookup(id) : throw new ArgumentException($"Environment '{id}' takes no arguments (got {string.Join(", ", args.Keys)}).", nameof(args));

    private static (EnvSpec Spec, Func<Generator, IEnvironment> Create) Lookup(string id) =>
        Entries.TryGetValue(id ?? "", out var e) ? e
        : LanguageTasks.IsLanguageTask(id)
            ? throw new ArgumentException($"'{id}' is a language task: it has no environment to step (train it with dpo, ppo-lm or rloo).", nameof(id))
            : throw new ArgumentException($"Unknown environment '{id}'. Known: {string.Join(", ", Entries.Keys.Order(StringComparer.Ordinal))}, and the language tasks {string.Join(", ", LanguageTasks.Ids)}.", nameof(id));
}
