using AsyncRL.Models.Engine;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>One minibatch of PPO rows on the host, row-major observations [Rows, O].</summary>
public sealed record PpoMinibatch(int Rows, float[] Observations, int[] Actions, float[] BehaviourLogProbs, float[] Advantages, float[] Returns, float[] BehaviourValues);

/// <summary>What one minibatch step did; <paramref name="Skipped"/> when the loss or a gradient was not finite.</summary>
public readonly record struct PpoStepResult(float Loss, PpoLossStats Stats, float GradNorm, bool Skipped);

/// <summary>
/// The seam between PPO and a tensor engine: the learner keeps targets, masking and minibatching on the host and
/// asks the engine only for values, log-probabilities and one clipped-objective step. The host <see cref="Model"/>
/// holds the weights the rest of the system sees (published to actors, checkpointed under the same names).
/// </summary>
public interface IPpoNetworks : IDisposable
{
    /// <summary>The host networks: names, publishing, checkpoints.</summary>
    ActorCritic Model { get; }

    /// <summary>The optimizer's learning rate.</summary>
    float LearningRate { get; set; }

    /// <summary>V(s) of <paramref name="rows"/> observations, without gradients.</summary>
    void Values(float[] observations, int rows, Span<float> values);

    /// <summary>log π(a|s) of the current policy, without gradients.</summary>
    void ActionLogProbs(float[] observations, int[] actions, Span<float> logProbs);

    /// <summary>Loss, backward, gradient clipping and one Adam step; a non-finite loss or gradient skips the step.</summary>
    PpoStepResult Step(PpoMinibatch minibatch);

    /// <summary>Brings the host weights up to date with the engine's (after a run of steps).</summary>
    void PushToHost();

    /// <summary>Takes the host weights into the engine (after a checkpoint restore).</summary>
    void PullFromHost();

    /// <summary>The optimizer state, under the managed optimizer's names whichever engine runs.</summary>
    IReadOnlyDictionary<string, Tensor> OptimizerState();

    /// <summary>Restores an optimizer state written by either engine.</summary>
    void LoadOptimizerState(IReadOnlyDictionary<string, Tensor> state);
}

/// <summary>Picks the engine a PPO learner runs on.</summary>
public static class PpoNetworks
{
    /// <summary>The engine <see cref="PpoOptions.Engine"/> names, around <paramref name="model"/>.</summary>
    public static IPpoNetworks Create(ActorCritic model, PpoOptions options) => options.Engine.Backend switch
    {
        ModelBackend.Managed => new ManagedPpoNetworks(model, options),
        ModelBackend.Torch => new TorchPpoNetworks(model, options),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Engine.Backend, "Unknown backend."),
    };
}
