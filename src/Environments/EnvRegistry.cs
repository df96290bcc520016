using AsyncRL.Environments.Classic;

namespace AsyncRL.Environments;

/// <summary>Creates environments by id, each with its own generator derived from a seed.</summary>
public static class EnvRegistry
{
    private static readonly Dictionary<string, (EnvSpec Spec, Func<Generator, IEnvironment> Create)> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cartpole"] = (CartPole.DefaultSpec, rng => new CartPole(rng)),
        ["acrobot"] = (Acrobot.DefaultSpec, rng => new Acrobot(rng)),
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

    private static (EnvSpec Spec, Func<Generator, IEnvironment> Create) Lookup(string id) =>
        Entries.TryGetValue(id ?? "", out var e)
            ? e
            : throw new ArgumentException($"Unknown environment '{id}'. Known: {string.Join(", ", Entries.Keys.Order(StringComparer.Ordinal))}.", nameof(id));
}
