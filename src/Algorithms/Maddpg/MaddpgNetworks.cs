using System.Globalization;
using AsyncRL.Environments;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// The decentralised policies μᵢ(oᵢ): one MLP per agent from its own observation to one logit per action (ReLU
/// hidden layers). This is the module actors receive; names <c>agent_0.0.weight</c>, … in agent order.
/// </summary>
public sealed class MaddpgActors : Module
{
    private readonly Sequential[] _agents;

    /// <summary>Builds every agent's actor from one seeded generator (agent 0 first).</summary>
    public MaddpgActors(MultiAgentEnvSpec spec, IReadOnlyList<int> hidden, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(hidden);
        Spec = spec;
        Hidden = [.. hidden];
        _agents = new Sequential[spec.AgentCount];
        for (int i = 0; i < _agents.Length; i++)
            _agents[i] = RegisterModule(AgentName(i), Mlp.Create([spec.ObservationSizes[i], .. hidden, spec.ActionCount], ActivationKind.Relu, rng));
    }

    /// <summary>The task's agents and sizes.</summary>
    public MultiAgentEnvSpec Spec { get; }

    /// <summary>Hidden widths.</summary>
    public IReadOnlyList<int> Hidden { get; }

    /// <summary>Agents.</summary>
    public int AgentCount => _agents.Length;

    /// <summary>Agent <paramref name="agent"/>'s MLP.</summary>
    public Sequential Agent(int agent) => _agents[agent];

    /// <summary>Logits of agent <paramref name="agent"/> for its observations [B, Oᵢ] → [B, A].</summary>
    public Tensor Forward(int agent, Tensor observations) => _agents[agent].Forward(observations);

    /// <summary>A fresh copy (a target network), its weights copied from this one.</summary>
    public MaddpgActors Clone()
    {
        var copy = new MaddpgActors(Spec, Hidden, new Generator(0));
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>The child name of agent <paramref name="agent"/>.</summary>
    public static string AgentName(int agent) => string.Create(CultureInfo.InvariantCulture, $"agent_{agent}");
}

/// <summary>
/// The centralised critics Qᵢ(o₁ … o_N, a₁ … a_N): one MLP per agent over every agent's observation (the joint
/// layout) followed by every agent's one-hot action, to a scalar. They stay on the learner.
/// </summary>
public sealed class MaddpgCritics : Module
{
    private readonly Sequential[] _agents;

    /// <summary>Builds every agent's critic from one seeded generator.</summary>
    public MaddpgCritics(MultiAgentEnvSpec spec, IReadOnlyList<int> hidden, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(hidden);
        Spec = spec;
        Hidden = [.. hidden];
        InputSize = spec.JointObservationSize + spec.AgentCount * spec.ActionCount;
        _agents = new Sequential[spec.AgentCount];
        for (int i = 0; i < _agents.Length; i++)
            _agents[i] = RegisterModule(MaddpgActors.AgentName(i), Mlp.Create([InputSize, .. hidden, 1], ActivationKind.Relu, rng));
    }

    /// <summary>The task's agents and sizes.</summary>
    public MultiAgentEnvSpec Spec { get; }

    /// <summary>Hidden widths.</summary>
    public IReadOnlyList<int> Hidden { get; }

    /// <summary>Features of a critic input: the joint observation, then N one-hot actions.</summary>
    public int InputSize { get; }

    /// <summary>Agent <paramref name="agent"/>'s MLP.</summary>
    public Sequential Agent(int agent) => _agents[agent];

    /// <summary>Qᵢ for critic inputs [B, InputSize] → [B, 1].</summary>
    public Tensor Forward(int agent, Tensor inputs) => _agents[agent].Forward(inputs);

    /// <summary>A fresh copy (a target network), its weights copied from this one.</summary>
    public MaddpgCritics Clone()
    {
        var copy = new MaddpgCritics(Spec, Hidden, new Generator(0));
        copy.CopyFrom(this);
        return copy;
    }
}
