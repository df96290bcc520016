using AsyncRL.Contracts.V1;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms;

/// <summary>
/// What the learner node needs from an algorithm (PPO now; DQN, HER, MADDPG, DPO later): the columns it
/// accepts, the module whose weights actors act with, a store fed with decoded batches, and an update step.
/// The node owns everything around it: the wire, validation, de-duplication, versions, checkpoints.
/// </summary>
/// <remarks>
/// Threading: <see cref="Decode"/> runs on ingestion threads, concurrently with everything else, and must
/// not touch the store or the model. Every other member runs on the node's single update loop.
/// </remarks>
public interface ILearnerAlgorithm
{
    /// <summary>The algorithm's name on the wire and in the CLI, e.g. <c>ppo</c>.</summary>
    string Name { get; }

    /// <summary>The columns every incoming batch is validated against.</summary>
    SampleSchema Schema { get; }

    /// <summary>The module whose parameters are published as policy versions.</summary>
    Module Policy { get; }

    /// <summary>The run spec registering actors receive (the node sets lag and seed as it was asked to).</summary>
    RunSpec CreateRunSpec(ulong seed, uint lag);

    /// <summary>
    /// Turns a batch that passed <see cref="Schema"/> into the algorithm's own rows. Throws
    /// <see cref="ArgumentException"/> whose message is the precise reason when the batch does not fit
    /// (the node rejects it with that reason).
    /// </summary>
    ILearnerSamples Decode(SampleBatch batch);

    /// <summary>Adds a decoded batch to the store. The node calls it only while <see cref="ReadyToUpdate"/> is false.</summary>
    void Ingest(LearnerBatch batch);

    /// <summary>Whether the store holds enough for an update.</summary>
    bool ReadyToUpdate { get; }

    /// <summary>One update from the store.</summary>
    /// <param name="learnerVersion">
    /// The learner version: the newest published policy version plus the updates taken since (versions count updates);
    /// a row's staleness is this minus its version.
    /// </param>
    LearnerUpdateResult Update(long learnerVersion);

    /// <summary>What a checkpoint must hold to continue exactly: weights, optimizer state, RNG and counters.</summary>
    LearnerAlgorithmState SaveState();

    /// <summary>Restores <see cref="SaveState"/>'s output; throws when it does not fit this algorithm.</summary>
    void RestoreState(LearnerAlgorithmState state);
}
