using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// Separate actor and critic MLPs with tanh, orthogonal initialisation (gain √2 hidden, 0.01 for the
/// policy head, 1 for the value head) as in the PPO implementation details. Names: <c>actor.*</c>, <c>critic.*</c>.
/// </summary>
public sealed class ActorCritic : Module
{
    /// <summary>Builds both networks from one seeded generator.</summary>
    public ActorCritic(int observationSize, int actionCount, IReadOnlyList<int> hidden, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        int[] actorSizes = [observationSize, .. hidden, actionCount];
        int[] criticSizes = [observationSize, .. hidden, 1];
        var hiddenInit = LinearInit.Orthogonal(MathF.Sqrt(2));
        Actor = RegisterModule("actor", Mlp.Create(actorSizes, ActivationKind.Tanh, rng, hiddenInit, LinearInit.Orthogonal(0.01f)));
        Critic = RegisterModule("critic", Mlp.Create(criticSizes, ActivationKind.Tanh, rng, hiddenInit, LinearInit.Orthogonal(1f)));
        ObservationSize = observationSize;
        ActionCount = actionCount;
    }

    /// <summary>Observation features.</summary>
    public int ObservationSize { get; }

    /// <summary>Discrete actions.</summary>
    public int ActionCount { get; }

    /// <summary>Policy logits network.</summary>
    public Sequential Actor { get; }

    /// <summary>State-value network.</summary>
    public Sequential Critic { get; }

    /// <summary>V(s) for observations [B, O] → [B].</summary>
    public Tensor Value(Tensor observations) => Critic.Forward(observations).Reshape(-1);
}
