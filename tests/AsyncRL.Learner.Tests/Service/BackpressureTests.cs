using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;

namespace AsyncRL.Learner.Tests.Service;

public sealed class BackpressureTests
{
    [Fact]
    public async Task PushSamples_QueueFull_WithholdsTheAckUntilItDrains()
    {
        GatedAlgorithm? gated = null;
        await using var learner = await LearnerHarness.StartAsync(o => o with { IngestQueueCapacity = 1 },
            algorithm: o => gated = new GatedAlgorithm(LearnerAlgorithms.Create(o)));
        using var metrics = new InstrumentRecorder(learner.Node.Instrumentation.Meter);
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var push = new PushStream(learner.Client);

        // Batch 1 is stored and the update loop takes it, then stalls; batch 2 fills the one-slot queue.
        var first = await push.SendAsync(fragments.Batch(registered, 1));
        await gated!.Entered.Within();
        var second = await push.SendAsync(fragments.Batch(registered, 2));
        // Batch 3 finds the queue full: its ack (and the credit in it) must wait.
        await push.WriteAsync(fragments.Batch(registered, 3));
        await metrics.FirstAsync("asyncrl.learner.ingest.backpressure").Within();
        var third = push.NextAckAsync();
        bool answeredWhileFull = third.IsCompleted;
        gated.Release();
        var drained = await third.Within();

        Assert.Equal(AckStatus.Accepted, first.Status);
        Assert.Equal(AckStatus.Accepted, second.Status);
        Assert.False(answeredWhileFull);
        Assert.Equal(AckStatus.Accepted, drained!.Status);
        Assert.Equal(3ul, drained.Seq);
        Assert.Equal(1u, drained.Credits);
        Assert.Single(metrics.Of("asyncrl.learner.ingest.backpressure"));
    }
}
