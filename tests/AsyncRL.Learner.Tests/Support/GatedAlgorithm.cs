using AsyncRL.Algorithms;
using AsyncRL.Contracts.V1;
using AsyncRL.Models.Nn;

namespace AsyncRL.Learner.Tests.Support;

/// <summary>
/// Wraps an algorithm so a test can hold the update loop inside <see cref="Ingest"/> (a learner that
/// cannot keep up) and let it go again.
/// </summary>
internal sealed class GatedAlgorithm(ILearnerAlgorithm inner) : ILearnerAlgorithm
{
    private readonly SemaphoreSlim _gate = new(0);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the loop is held in Ingest.</summary>
    public Task Entered => _entered.Task;

    public string Name => inner.Name;

    public SampleSchema Schema => inner.Schema;

    public Module Policy => inner.Policy;

    public bool ReadyToUpdate => inner.ReadyToUpdate;

    public void Release(int batches = int.MaxValue / 2) => _gate.Release(batches);

    public RunSpec CreateRunSpec(ulong seed, uint lag) => inner.CreateRunSpec(seed, lag);

    public ILearnerSamples Decode(SampleBatch batch) => inner.Decode(batch);

    public void Ingest(LearnerBatch batch)
    {
        _entered.TrySetResult();
        // The update loop's own thread blocks here, as it would inside a slow update.
        if (!_gate.Wait(TestTimeouts.Default)) throw new TimeoutException("The test never released the gated algorithm.");
        inner.Ingest(batch);
    }

    public LearnerUpdateResult Update(long learnerVersion) => inner.Update(learnerVersion);

    public LearnerAlgorithmState SaveState() => inner.SaveState();

    public void RestoreState(LearnerAlgorithmState state) => inner.RestoreState(state);
}
