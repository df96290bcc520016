using System.Collections.Concurrent;
using System.Diagnostics;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;

namespace AsyncRL.Learner.Tests.Telemetry;

public sealed class TracingTests
{
    [Fact]
    public async Task Ingest_ContinuesTheRolloutTrace_AndUpdateLinksToItWithStaleness()
    {
        await using var learner = await LearnerHarness.StartAsync();
        var stopped = new ConcurrentQueue<Activity>();
        var updated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, learner.Node.Instrumentation.ActivitySource),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                stopped.Enqueue(activity);
                if (activity.OperationName == "update") updated.TrySetResult();
            },
        };
        ActivitySource.AddActivityListener(listener);
        var registered = await learner.RegisterAsync();
        var rollout = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var batch = new Fragments().Batch(registered, 1);
        batch.TraceContext = new TraceContext { Traceparent = $"00-{rollout.TraceId}-{rollout.SpanId}-01" };
        await using var push = new PushStream(learner.Client);
        await using var watch = new WeightsWatch(learner.Client);
        Assert.Equal(0, (await watch.NextAsync().Within())!.Version);

        await push.SendAsync(batch);
        await updated.Task.Within();
        var v1 = (await watch.NextAsync().Within())!;

        var ingest = Assert.Single(stopped, a => a.OperationName == "ingest");
        var update = Assert.Single(stopped, a => a.OperationName == "update");
        var publish = Assert.Single(stopped, a => a.OperationName == "publish_weights" && a.GetTagItem("asyncrl.policy_version") is 1L);
        Assert.Equal(ActivityKind.Server, ingest.Kind);
        Assert.Equal(rollout.TraceId, ingest.TraceId);
        Assert.Equal(rollout.SpanId, ingest.ParentSpanId);
        Assert.Equal("accepted", ingest.GetTagItem("asyncrl.ack"));
        var link = Assert.Single(update.Links);
        Assert.Equal(ingest.Context.SpanId, link.Context.SpanId);
        Assert.Equal(rollout.TraceId, link.Context.TraceId);
        Assert.Contains(link.Tags!, t => t.Key == LearnerInstrumentation.StalenessAttribute && t.Value is 0L);
        Assert.Equal(update.SpanId, publish.ParentSpanId);
        // The version's first chunk names publish_weights, so the actors' sync_weights spans join this trace.
        Assert.Equal(1, v1.Version);
        Assert.Equal(publish.TraceId, v1.Trace.TraceId);
        Assert.Equal(publish.SpanId, v1.Trace.SpanId);
    }
}
