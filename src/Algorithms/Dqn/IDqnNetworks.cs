using AsyncRL.Models.Engine;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>What one DQN gradient step did; <paramref name="Skipped"/> when the loss or a gradient was not finite.</summary>
public readonly record struct DqnStepResult(float Loss, float GradNorm, bool Skipped);

/// <summary>
/// The seam between DQN and a tensor engine: Q-values of the online and target networks, one importance-weighted
/// Huber step on Q(s, a), and target refreshes. Targets, TD errors and priorities stay on the host. The host
/// <see cref="Online"/> and <see cref="Target"/> hold the weights the rest of the system sees.
/// </summary>
public interface IDqnNetworks : IDisposable
{
    /// <summary>The host online network (published to actors, checkpointed as the model).</summary>
    QNetwork Online { get; }

    /// <summary>The host target network (checkpointed beside the optimizer).</summary>
    QNetwork Target { get; }

    /// <summary>The optimizer's learning rate.</summary>
    float LearningRate { get; set; }

    /// <summary>Q(s, ·) [rows, A] of the online (<paramref name="target"/> false) or target network, without gradients.</summary>
    void QValues(bool target, float[] observations, int rows, Span<float> q);

    /// <summary>mean(w · Huber(Q(s, a) − y)), backward, clipping and one Adam step; Q(s, a) goes to <paramref name="qTaken"/>.</summary>
    DqnStepResult Step(float[] observations, int[] actions, float[] targets, float[] weights, Span<float> qTaken);

    /// <summary>θ⁻ ← τθ + (1 − τ)θ⁻ (τ = 1: a hard copy).</summary>
    void UpdateTarget(float tau);

    /// <summary>Brings the host networks up to date with the engine's.</summary>
    void PushToHost();

    /// <summary>Takes the host networks into the engine (after a checkpoint restore).</summary>
    void PullFromHost();

    /// <summary>The optimizer state, under the managed optimizer's names whichever engine runs.</summary>
    IReadOnlyDictionary<string, Tensor> OptimizerState();

    /// <summary>Restores an optimizer state written by either engine.</summary>
    void LoadOptimizerState(IReadOnlyDictionary<string, Tensor> state);
}

/// <summary>Picks the engine a DQN learner runs on.</summary>
public static class DqnNetworks
{
    /// <summary>The engine <see cref="DqnOptions.Engine"/> names, around <paramref name="online"/> (the target starts as its copy).</summary>
    public static IDqnNetworks Create(QNetwork online, DqnOptions options) => options.Engine.Backend switch
    {
        ModelBackend.Managed => new ManagedDqnNetworks(online, options),
        ModelBackend.Torch => new TorchDqnNetworks(online, options),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Engine.Backend, "Unknown backend."),
    };
}
