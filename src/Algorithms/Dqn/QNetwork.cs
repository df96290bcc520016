using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>Q(s, ·): an MLP from observations to one value per discrete action (ReLU hidden layers). Names: <c>q.*</c>.</summary>
public sealed class QNetwork : Module
{
    /// <summary>Builds the network from a seeded generator.</summary>
    public QNetwork(int observationSize, int actionCount, IReadOnlyList<int> hidden, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        int[] sizes = [observationSize, .. hidden, actionCount];
        Q = RegisterModule("q", Mlp.Create(sizes, ActivationKind.Relu, rng));
        (ObservationSize, ActionCount, Hidden) = (observationSize, actionCount, [.. hidden]);
    }

    /// <summary>Input features.</summary>
    public int ObservationSize { get; }

    /// <summary>Discrete actions.</summary>
    public int ActionCount { get; }

    /// <summary>Hidden widths.</summary>
    public IReadOnlyList<int> Hidden { get; }

    /// <summary>The MLP.</summary>
    public Sequential Q { get; }

    /// <summary>Q(s, ·) for observations [B, O] → [B, A].</summary>
    public Tensor Forward(Tensor observations) => Q.Forward(observations);

    /// <summary>A fresh network of the same shape (a target network), its weights copied from this one.</summary>
    public QNetwork CloneNetwork()
    {
        var copy = new QNetwork(ObservationSize, ActionCount, Hidden, new Generator(0));
        copy.CopyFrom(this);
        return copy;
    }
}
