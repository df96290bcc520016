namespace AsyncRL.Environments.Particles;

/// <summary>The particle tasks by registry id.</summary>
public static class ParticleScenarios
{
    private static readonly Dictionary<string, (MultiAgentEnvSpec Spec, Func<ParticleScenario> Create)> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        [SimpleSpread.Id] = (SimpleSpread.DefaultSpec, static () => new SimpleSpread()),
        [SimpleAdversary.Id] = (SimpleAdversary.DefaultSpec, static () => new SimpleAdversary()),
        [SimpleTag.Id] = (SimpleTag.DefaultSpec, static () => new SimpleTag()),
    };

    /// <summary>Known ids.</summary>
    public static IReadOnlyCollection<string> Ids => Entries.Keys;

    /// <summary>Whether <paramref name="id"/> names a particle task.</summary>
    public static bool Contains(string? id) => id is not null && Entries.ContainsKey(id);

    /// <summary>The spec of a task; throws for an unknown id.</summary>
    public static MultiAgentEnvSpec SpecOf(string id) => Lookup(id).Spec;

    /// <summary>A fresh environment of a task, its episodes seeded by <paramref name="rng"/>.</summary>
    public static ParticleEnv Create(string id, Generator rng) => new(Lookup(id).Create(), rng);

    private static (MultiAgentEnvSpec Spec, Func<ParticleScenario> Create) Lookup(string id) =>
        Entries.TryGetValue(id ?? "", out var e)
            ? e
            : throw new ArgumentException($"Unknown particle task '{id}'. Known: {string.Join(", ", Entries.Keys.Order(StringComparer.Ordinal))}.", nameof(id));
}
