using AsyncRL.Environments.Classic;
using AsyncRL.Environments.Goals;
using AsyncRL.Environments.Particles;
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

    /// <summary>Known ids, single- and multi-agent.</summary>
    public static IReadOnlyCollection<string> Ids => [.. Entries.Keys, .. ParticleScenarios.Ids];

    /// <summary>The spec of an id (for a multi-agent task, its <see cref="MultiAgentEnvSpec.ToEnvSpec"/> view).</summary>
    public static EnvSpec SpecOf(string id) => IsMultiAgent(id) ? ParticleScenarios.SpecOf(id).ToEnvSpec() : Lookup(id).Spec;

    /// <summary>Whether <paramref name="id"/> names a multi-agent task (the particle environments).</summary>
    public static bool IsMultiAgent(string? id) => ParticleScenarios.Contains(id);

    /// <summary>The per-agent spec of a multi-agent task; they take no arguments. Throws with the reason otherwise.</summary>
    public static MultiAgentEnvSpec MultiAgentSpecOf(string id, IReadOnlyDictionary<string, string>? args = null)
    {
        if (!IsMultiAgent(id))
            throw new ArgumentException(Entries.ContainsKey(id ?? "") ? $"Environment '{id}' is single-agent; multi-agent tasks: {string.Join(", ", ParticleScenarios.Ids)}." : UnknownMessage(id), nameof(id));
        NoArgsFor(id, args);
        return ParticleScenarios.SpecOf(id);
    }

    /// <summary>One multi-agent environment seeded by <paramref name="rng"/>.</summary>
    public static IMultiAgentEnvironment CreateMultiAgent(string id, IReadOnlyDictionary<string, string>? args, Generator rng)
    {
        MultiAgentSpecOf(id, args);
        return ParticleScenarios.Create(id, rng);
    }

    /// <summary>A vector of multi-agent environments with independent streams derived from <paramref name="seed"/>.</summary>
    public static MultiAgentVectorEnv CreateMultiAgentVector(string id, IReadOnlyDictionary<string, string>? args, int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        MultiAgentSpecOf(id, args);
        var root = new Generator(seed);
        return new MultiAgentVectorEnv(Enumerable.Range(0, count).Select(_ => CreateMultiAgent(id, args, root.Fork())));
    }

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
        : IsMultiAgent(id) ? MultiAgentSpecOf(id, args).ToEnvSpec()
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

    private static (EnvSpec Spec, Func<Generator, IEnvironment> Create) NoArgs(string id, IReadOnlyDictionary<string, string>? args)
    {
        NoArgsFor(id, args);
        return Lookup(id);
    }

    private static void NoArgsFor(string id, IReadOnlyDictionary<string, string>? args)
    {
        if (args is not null && args.Count > 0) throw new ArgumentException($"Environment '{id}' takes no arguments (got {string.Join(", ", args.Keys)}).", nameof(args));
    }

    private static (EnvSpec Spec, Func<Generator, IEnvironment> Create) Lookup(string id)
    {
        if (Entries.TryGetValue(id ?? "", out var e)) return e;
        if (IsMultiAgent(id))
            throw new ArgumentException($"Environment '{id}' is multi-agent ({ParticleScenarios.SpecOf(id!).AgentCount} agents): it runs with a multi-agent algorithm (maddpg).", nameof(id));
        if (LanguageTasks.IsLanguageTask(id))
            throw new ArgumentException($"'{id}' is a language task: it has no environment to step (train it with dpo, ppo-lm or rloo).", nameof(id));
        throw new ArgumentException(UnknownMessage(id), nameof(id));
    }

    private static string UnknownMessage(string? id) =>
        $"Unknown environment '{id}'. Known: {string.Join(", ", Ids.Order(StringComparer.Ordinal))}, and the language tasks {string.Join(", ", LanguageTasks.Ids)}.";
}
