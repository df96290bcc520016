using System.Diagnostics;

namespace AsyncRL.Algorithms;

/// <summary>An algorithm's decoded rows of one batch (PPO: a rollout fragment).</summary>
public interface ILearnerSamples
{
    /// <summary>Rows decoded.</summary>
    int Rows { get; }
}

/// <summary>A batch that passed validation and de-duplication, as the node hands it to an algorithm's store.</summary>
/// <param name="ActorId">The actor that produced it.</param>
/// <param name="Seq">Its sequence number; (<paramref name="ActorId"/>, <paramref name="Seq"/>) is unique.</param>
/// <param name="PolicyVersion">The newest policy version among its rows.</param>
/// <param name="OldestPolicyVersion">The oldest policy version among its rows.</param>
/// <param name="EnvSteps">Environment steps it accounts for.</param>
/// <param name="Context">The span context of its ingestion (continuing the actor's rollout trace), for the update span's links.</param>
/// <param name="Samples">The decoded rows.</param>
public sealed record LearnerBatch(
    string ActorId, ulong Seq, long PolicyVersion, long OldestPolicyVersion, long EnvSteps, ActivityContext Context, ILearnerSamples Samples)
{
    /// <summary>Rows of the batch.</summary>
    public int Rows => Samples.Rows;
}
