using AsyncRL.IntegrationTests.Otlp;
using Google.Protobuf;

namespace AsyncRL.IntegrationTests;

/// <summary>OTLP export as Jaeger would receive it: one trace from an actor's rollout to the update that consumed it.</summary>
public sealed class TraceTests
{
    [Fact]
    public async Task Train_WithOtlpEndpoint_ExportsOneTraceFromRolloutToUpdate()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var run = RunDirectory.CreateTemp("otlp");
        var env = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        using var cli = CliProcess.Start(env, "train", "--out", run.Path, "--seed", "3", "--steps", "20000", "--no-early-stop");
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, cli.Output);

        var spans = receiver.Spans.Select(s => s.Span).ToList();
        Assert.True(spans.Count > 0, "no spans exported\n" + cli.Output);
        var rollouts = spans.Where(s => s.Name == "rollout").ToList();
        var ingests = spans.Where(s => s.Name == "ingest").ToList();
        var updates = spans.Where(s => s.Name == "update").ToList();
        Assert.NotEmpty(rollouts);
        Assert.NotEmpty(ingests);
        Assert.NotEmpty(updates);

        // The learner's ingest continues the actor's trace (traceparent carried in the batch).
        var rolloutTraces = rollouts.Select(s => s.TraceId).ToHashSet(ByteStringComparer.Instance);
        var connectedIngest = ingests.FirstOrDefault(i => rolloutTraces.Contains(i.TraceId));
        Assert.True(connectedIngest is not null, "no ingest span shares a trace with a rollout span");

        // An update links back to the batches it consumed, in their actors' traces.
        Assert.Contains(updates, u => u.Links.Any(l => rolloutTraces.Contains(l.TraceId)));

        // Weights go the other way in the same trace: update → publish_weights → the actors' sync_weights.
        var publishes = spans.Where(s => s.Name == "publish_weights").ToList();
        var syncs = spans.Where(s => s.Name == "sync_weights").ToList();
        Assert.NotEmpty(publishes);
        Assert.NotEmpty(syncs);
        var updateSpans = updates.Select(u => u.SpanId).ToHashSet(ByteStringComparer.Instance);
        var publishFromUpdate = publishes.Where(p => updateSpans.Contains(p.ParentSpanId)).Select(p => p.SpanId).ToHashSet(ByteStringComparer.Instance);
        Assert.NotEmpty(publishFromUpdate);
        Assert.Contains(syncs, s => publishFromUpdate.Contains(s.ParentSpanId));
    }

    private sealed class ByteStringComparer : IEqualityComparer<ByteString>
    {
        public static readonly ByteStringComparer Instance = new();

        public bool Equals(ByteString? x, ByteString? y) => x is not null && y is not null && x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ByteString obj) => obj.Length > 0 ? BitConverter.ToInt32(obj.Span[..4]) : 0;
    }
}
