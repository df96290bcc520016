using System.Numerics.Tensors;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// ε-greedy over Q(s, ·) for a batch of observations, with no tape and no allocation per step. Exposes the
/// Q-values of the last call (actors use them for initial priorities). One instance per actor thread.
/// </summary>
public sealed class DqnActingPolicy
{
    private readonly MlpInference _q;
    private readonly float[] _values;

    /// <summary>Compiles an inference plan for up to <paramref name="maxBatch"/> rows.</summary>
    public DqnActingPolicy(QNetwork network, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
        _q = new MlpInference(network.Q, maxBatch);
        ActionCount = network.ActionCount;
        _values = new float[maxBatch * ActionCount];
    }

    /// <summary>The local weights (new versions are loaded into it).</summary>
    public QNetwork Network { get; }

    /// <summary>Discrete actions.</summary>
    public int ActionCount { get; }

    /// <summary>Q(s, ·) of the last call's rows, [rows, A].</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Per row: a random action with probability εᵣ, else argmaxₐ Q(s, a).</summary>
    public void Act(ReadOnlySpan<float> observations, int rows, ReadOnlySpan<float> epsilons, Generator rng, Span<int> actions)
    {
        ArgumentNullException.ThrowIfNull(rng);
        _q.Forward(observations, rows, _values);
        for (int r = 0; r < rows; r++)
            actions[r] = rng.NextFloat() < epsilons[r] ? rng.NextInt(ActionCount) : TensorPrimitives.IndexOfMax(_values.AsSpan(r * ActionCount, ActionCount));
    }

    /// <summary>The greedy action per row (evaluation).</summary>
    public void Greedy(ReadOnlySpan<float> observations, int rows, Span<int> actions)
    {
        _q.Forward(observations, rows, _values);
        for (int r = 0; r < rows; r++) actions[r] = TensorPrimitives.IndexOfMax(_values.AsSpan(r * ActionCount, ActionCount));
    }

    /// <summary>maxₐ Q(s, a) for one observation (bootstraps a truncated episode's priority).</summary>
    public float MaxValue(ReadOnlySpan<float> observation) => TensorPrimitives.Max(_q.Forward(observation));
}
