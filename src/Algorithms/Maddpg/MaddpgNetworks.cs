using System.Globalization;
using AsyncRL.Environments;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>One ReLU MLP per agent, registered as <c>agent_0</c>, <c>agent_1</c>, … in agent order.</summary>
public abstract class AgentMlps : Module
{
    private readonly Sequential[] _agents;

    /// <summary>Builds every agent's MLP from one seeded generator (agent 0 first).</summary>
    protected AgentMlps(MultiAgentEnvSpec spec, IReadOnlyList<int> hidden, Func<int, int> inputSize, int outputSize, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(inputSize);
        Spec = spec;
        Hidden = [.. hidden];
        _agents = new Sequential[spec.AgentCount];
        for (int i = 0; i < _agents.Length; i++)
            _agents[i] = RegisterModule(AgentName(i), Mlp.Create([inputSize(i), .. hidden, outputSize], ActivationKind.Relu, rng));
    }

    /// <summary>The task's agents and sizes.</summary>
    public MultiAgentEnvSpec Spec { get; }

    /// <summary>Hidden widths.</summary>
    public IReadOnlyList<int> Hidden { get; }

    /// <summary>Agents.</summary>
    public int AgentCount => _agents.Length;

    /// <summary>Agent <paramref name="agent"/>'s MLP.</summary>
    public Sequential Agent(int agent) => _agents[agent];

    /// <summary>Agent <paramref name="agent"/>'s MLP on a batch of its inputs.</summary>
    public Tensor Forward(int agent, Tensor inputs) => _agents[agent].Forward(inputs);

    /// <summary>The child name of agent <paramref name="agent"/>.</summary>
    public static string AgentName(int agent) => string.Create(CultureInfo.InvariantCulture, $"agent_{agent}");
}

/// <summary>
/// The decentralised policies μᵢ(oᵢ): one MLP per agent from its own observation [B, Oᵢ] to one logit per action
/// [B, A]. This is the module actors receive; names <c>agent_0.0.weight</c>, … in agent order.
/// </summary>
public sealed class MaddpgActors(MultiAgentEnvSpec spec, IReadOnlyList<int> hidden, Generator rng)
    : AgentMlps(spec, hidden, i => spec.ObservationSizes[i], spec.ActionCount, rng)
{
    /// <summary>A fresh copy (a target network), its weights copied from this one.</summary>
    public MaddpgActors Clone()
    {
        var copy = new MaddpgActors(Spec, Hidden, new Generator(0));
        copy.CopyFrom(this);
        return copy;
    }
}

/// <summary>
/// The centralised critics Qᵢ(o₁ … o_N, a₁ … a_N): one MLP per agent over every agent's observation (the joint
/// layout) followed by every agent's one-hot action [B, InputSize], to a scalar [B, 1]. They stay on the learner.
/// </summary>
public sealed class MaddpgCritics(MultiAgentEnvSpec spec, IReadOnlyList<int> hidden, Generator rng)
    : AgentMlps(spec, hidden, _ => InputSizeOf(spec), 1, rng)
{
    /// <summary>Features of a critic input: the joint observation, then N one-hot actions.</summary>
    public int InputSize => InputSizeOf(Spec);

    /// <summary>A fresh copy (a target network), its weights copied from this one.</summary>
    public MaddpgCritics Clone()
    {
        var copy = new MaddpgCritics(Spec, Hidden, new Generator(0));
        copy.CopyFrom(this);
        return copy;
    }

    private static int InputSizeOf(MultiAgentEnvSpec spec) => spec.JointObservationSize + spec.AgentCount * spec.ActionCount;
}
