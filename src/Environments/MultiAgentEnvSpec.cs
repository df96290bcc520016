namespace AsyncRL.Environments;

/// <summary>
/// What a multi-agent environment looks like from outside: one observation size per agent (agents may
/// differ: adversaries and good agents see different things), one discrete action set shared by all, and
/// each agent's team (its rewards are reported per team). Agents act at the same time on every step.
/// </summary>
public sealed class MultiAgentEnvSpec
{
    private readonly int[] _observationSizes;
    private readonly int[] _offsets;
    private readonly string[] _teams;

    /// <summary>A spec of <c>observationSizes.Count</c> agents.</summary>
    public MultiAgentEnvSpec(string id, IReadOnlyList<int> observationSizes, int actionCount, int maxEpisodeSteps, IReadOnlyList<string> teams)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(observationSizes);
        ArgumentNullException.ThrowIfNull(teams);
        if (observationSizes.Count == 0 || observationSizes.Any(o => o < 1)) throw new ArgumentException($"{id}: every agent needs a positive observation size.", nameof(observationSizes));
        if (teams.Count != observationSizes.Count) throw new ArgumentException($"{id}: {teams.Count} teams for {observationSizes.Count} agents.", nameof(teams));
        ArgumentOutOfRangeException.ThrowIfLessThan(actionCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEpisodeSteps, 1);
        (Id, ActionCount, MaxEpisodeSteps) = (id, actionCount, maxEpisodeSteps);
        _observationSizes = [.. observationSizes];
        _teams = [.. teams];
        _offsets = new int[_observationSizes.Length + 1];
        for (int i = 0; i < _observationSizes.Length; i++) _offsets[i + 1] = _offsets[i] + _observationSizes[i];
    }

    /// <summary>Registry id, e.g. <c>simple_spread</c>.</summary>
    public string Id { get; }

    /// <summary>Agents per environment.</summary>
    public int AgentCount => _observationSizes.Length;

    /// <summary>Floats in each agent's observation.</summary>
    public IReadOnlyList<int> ObservationSizes => _observationSizes;

    /// <summary>Discrete actions of every agent.</summary>
    public int ActionCount { get; }

    /// <summary>Truncation limit (the time limit).</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Each agent's team (<c>agent</c> for cooperative tasks, <c>adversary</c> / <c>good</c> otherwise).</summary>
    public IReadOnlyList<string> Teams => _teams;

    /// <summary>The distinct teams, in order of first appearance.</summary>
    public IReadOnlyList<string> TeamNames => [.. _teams.Distinct(StringComparer.Ordinal)];

    /// <summary>Floats of all agents' observations side by side (agent 0 first): the layout of an observation buffer.</summary>
    public int JointObservationSize => _offsets[^1];

    /// <summary>Where agent <paramref name="agent"/>'s observation starts in the joint layout.</summary>
    public int ObservationOffset(int agent) => _offsets[agent];

    /// <summary>Agent <paramref name="agent"/>'s part of a joint observation.</summary>
    public Span<float> AgentObservation(Span<float> joint, int agent) => joint.Slice(_offsets[agent], _observationSizes[agent]);

    /// <summary>The single-agent view the registry gives for this id: the joint observation size, the per-agent action count and the agent count.</summary>
    public EnvSpec ToEnvSpec() => new(Id, JointObservationSize, ActionCount, MaxEpisodeSteps, null) { AgentCount = AgentCount };
}
