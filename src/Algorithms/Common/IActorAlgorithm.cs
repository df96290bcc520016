using AsyncRL.Contracts.V1;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms;

/// <summary>
/// What a rollout actor needs from an algorithm: a local policy copy that new weights are loaded into, and
/// the next <see cref="SampleBatch"/> payload from the actor's own environments. One instance per actor
/// thread; it is never shared, so implementations need no locking.
/// </summary>
public interface IActorAlgorithm : IDisposable
{
    /// <summary>The local policy copy; weights arrive into its <see cref="Module.NamedParameters"/>.</summary>
    Module Policy { get; }

    /// <summary>
    /// Acts for one fragment with the weights now in <see cref="Policy"/> and returns it as a batch whose rows
    /// are stamped with <paramref name="policyVersion"/>. The batch's <c>seq</c>, <c>run_id</c> and trace context
    /// are left for the sender to fill in.
    /// </summary>
    ActorFragment Collect(long policyVersion);
}

/// <summary>One fragment's payload and what it accounts for.</summary>
/// <param name="Batch">The columns, row versions and finished episodes.</param>
/// <param name="EnvSteps">Environment steps the fragment took (also in <c>Batch.EnvSteps</c>).</param>
public sealed record ActorFragment(SampleBatch Batch, long EnvSteps)
{
    /// <summary>Episodes that finished inside the fragment.</summary>
    public int EpisodeCount => Batch.FinishedEpisodes.Count;
}
