using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AsyncRL.Actors.Tests.Support;

namespace AsyncRL.Actors.Tests.Telemetry;

public sealed class ActorTelemetryTests
{
    [Fact]
    public async Task Rollout_TraceContextTravelsInTheBatch_AndPushIsItsChild()
    {
        // Arrange: record this source's spans (other tests' nodes share it: match on our trace ids)
        var stopped = new ConcurrentQueue<Activity>();
        var pushStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ActorInstrumentation.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                stopped.Enqueue(activity);
                if (activity.OperationName == "push") pushStopped.TrySetResult();
            },
        };
        ActivitySource.AddActivityListener(listener);
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address));

        // Act: the ack of a batch ends its push span
        Received received = await learner.NextAsync();
        await learner.NextAsync(r => r.Batch.Seq >= 6); // room for seq 6 needs the acks of 1 and 2
        await pushStopped.Task.Within();

        // Assert
        string traceparent = received.Batch.TraceContext.Traceparent;
        string[] parts = traceparent.Split('-');
        Assert.Equal(4, parts.Length);
        Activity rollout = Assert.Single(stopped, a => a.OperationName == "rollout" && a.TraceId.ToHexString() == parts[1]);
        Assert.Equal(parts[2], rollout.SpanId.ToHexString());
        Assert.Equal(0L, rollout.GetTagItem("asyncrl.policy_version"));
        Activity push = Assert.Single(stopped, a => a.OperationName == "push" && a.ParentSpanId == rollout.SpanId);
        Assert.Equal(ActivityKind.Client, push.Kind);
        Assert.Equal("accepted", push.GetTagItem("asyncrl.ack.status"));
        Assert.Contains(stopped, a => a.OperationName == "sync_weights" && Equals(a.GetTagItem("asyncrl.policy_version"), 0L));
    }

    [Fact]
    public async Task Instruments_CountEnvStepsBatchesAndVersion()
    {
        // Arrange
        using var instrumentation = new ActorInstrumentation();
        var totals = new ConcurrentDictionary<string, long>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == instrumentation.Meter) l.EnableMeasurementEvents(instrument);
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string key = instrument.Name;
            foreach (var tag in tags) key += $"|{tag.Key}={tag.Value}";
            totals.AddOrUpdate(key, value, (_, sum) => instrument is Gauge<long> ? value : sum + value);
        });
        meters.Start();
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address), instrumentation);

        // Act: seq 6 needs room from the acks of 1 and 2
        await learner.NextAsync(r => r.Batch.Seq >= 6);

        // Assert
        Assert.True(totals["asyncrl.actor.env_steps"] >= 6 * 8);
        Assert.True(totals["asyncrl.actor.batches|status=accepted"] >= 2);
        Assert.Equal(0, totals["asyncrl.actor.policy_version"]);
        Assert.True(totals["asyncrl.actor.batches.sent|resend=False"] >= 5);
    }

    [Fact]
    public async Task Stop_AfterTheWatchDeliveredAVersion_CountsNoReconnect()
    {
        // Arrange
        using var instrumentation = new ActorInstrumentation();
        var reconnects = new ConcurrentQueue<string>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == instrumentation.Meter && instrument.Name == "asyncrl.actor.reconnects") l.EnableMeasurementEvents(instrument);
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags) reconnects.Enqueue($"{tag.Key}={tag.Value}");
        });
        meters.Start();
        var learner = new FakeLearner(TestRuns.Spec());
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        var running = RunningNode.Start(TestRuns.Options(server.Address), instrumentation);
        await learner.NextAsync();
        learner.Publish(1);
        await learner.NextAsync(r => r.Batch.PolicyVersion == 1); // the open watch has delivered a version

        // Act: the node stops, cutting its own calls
        await running.DisposeAsync();

        // Assert: a call cut by the stop is no failure to retry
        Assert.Empty(reconnects);
    }

    [Fact]
    public async Task PushToAck_IsTimedFromTheWriteToTheAnswer_InTheStatsAndTheHistogramInstrument()
    {
        // Arrange: acks held; a clock that can jump ahead (timers and delays stay on the system's)
        using var instrumentation = new ActorInstrumentation();
        var recorded = new ConcurrentQueue<(double Seconds, string Status)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == instrumentation.Meter && instrument.Name == "asyncrl.actor.push_ack.duration") l.EnableMeasurementEvents(instrument);
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "status") recorded.Enqueue((value, (string)tag.Value!));
        });
        meters.Start();
        var clock = new JumpingClock();
        var learner = new FakeLearner(TestRuns.Spec()) { HoldAcks = true };
        learner.Publish(0);
        await using var server = await LearnerServer.StartAsync(learner);
        await using var running = RunningNode.Start(TestRuns.Options(server.Address) with { TimeProvider = clock }, instrumentation);
        await learner.NextAsync();

        // Act: the first batch was written before the clock moves 5 s on; then its ack comes
        clock.Jump(TimeSpan.FromSeconds(5));
        learner.HoldAcks = false;
        learner.ReleaseAcks();
        await TestTimeouts.Until(() => running.Node.Stats.PushAck.Count >= 1);

        // Assert: the held batch waited (by this clock) at least the jump; the instrument saw it too, in seconds
        ActorNodeStats stats = running.Node.Stats;
        Assert.InRange(stats.PushAck.PercentileMs(1), 5000, 60_000);
        Assert.Contains(recorded, r => r is { Seconds: >= 5, Status: "accepted" });
    }

    /// <summary>The system's clock, moved forward on demand (its timers are the system's).</summary>
    private sealed class JumpingClock : TimeProvider
    {
        private long _offset;

        public void Jump(TimeSpan by) => Interlocked.Add(ref _offset, (long)(by.TotalSeconds * TimestampFrequency));

        public override long GetTimestamp() => TimeProvider.System.GetTimestamp() + Interlocked.Read(ref _offset);
    }
}
