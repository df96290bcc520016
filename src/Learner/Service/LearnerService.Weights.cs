using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Publishing;
using Grpc.Core;

namespace AsyncRL.Learner.Service;

internal sealed partial class LearnerService
{
    public override async Task WatchWeights(WatchWeightsRequest request, IServerStreamWriter<WeightsChunk> chunks, ServerCallContext context)
    {
        EnsureRunning();
        var (encoding, maxChunkBytes) = Encoding(request.Encoding, request.MaxChunkBytes);
        // after_version 0 "starts with the newest published version" (learner.proto), version 0 included.
        long sent = request.AfterVersion <= 0 ? -1 : request.AfterVersion;
        bool registered = !string.IsNullOrEmpty(request.NodeId);
        if (registered) OpenStream(request.NodeId);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _lifetime.Ending);
        try
        {
            while (true)
            {
                var (latest, next) = _publisher.Watch();
                // A slow watcher skips to the newest version: actors act with the newest (or fetch a lagged
                // one with GetWeights), so a backlog of old versions would only delay them.
                if (latest is not null && latest.Version > sent)
                {
                    // Written with the call's own token: cutting a message in half at the end of the run would
                    // leave the actor a broken stream instead of a clean end.
                    await SendAsync(latest, encoding, maxChunkBytes, chunks, context.CancellationToken).ConfigureAwait(false);
                    sent = latest.Version;
                }
                await next.WaitAsync(ending.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            if (!EndedByNode(context)) throw;
        }
        finally
        {
            if (registered) _registry.StreamClosed(request.NodeId);
        }
    }

    public override async Task GetWeights(GetWeightsRequest request, IServerStreamWriter<WeightsChunk> chunks, ServerCallContext context)
    {
        EnsureRunning();
        var (encoding, maxChunkBytes) = Encoding(request.Encoding, request.MaxChunkBytes);
        var (oldest, latest) = _publisher.Range();
        long wanted = request.SelectorCase switch
        {
            GetWeightsRequest.SelectorOneofCase.Version when request.Version < 0 => throw Invalid($"version {request.Version} is negative"),
            GetWeightsRequest.SelectorOneofCase.Version => request.Version,
            GetWeightsRequest.SelectorOneofCase.Latest => latest,
            // As an actor with lag N acts: exactly N behind once N versions exist, version 0 before.
            GetWeightsRequest.SelectorOneofCase.BehindLatest => Math.Max(0, latest - request.BehindLatest),
            _ => throw Invalid("selector is not set: give version, latest or behind_latest"),
        };
        PublishedVersion version = _publisher.Find(wanted)
            ?? throw new RpcException(new Status(StatusCode.NotFound, wanted > latest
                ? $"policy version {wanted} is not published yet (latest is {latest})"
                : $"policy version {wanted} is no longer retained (retained: {oldest}..{latest})"));
        await SendAsync(version, encoding, maxChunkBytes, chunks, context.CancellationToken).ConfigureAwait(false);
    }

    private static async Task SendAsync(PublishedVersion version, WeightsEncoding encoding, int maxChunkBytes,
        IServerStreamWriter<WeightsChunk> chunks, CancellationToken cancellationToken)
    {
        foreach (WeightsChunk chunk in version.Chunks(encoding, maxChunkBytes))
            await chunks.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    private static (WeightsEncoding, int) Encoding(WeightsEncoding encoding, uint maxChunkBytes)
    {
        var resolved = encoding switch
        {
            WeightsEncoding.Unspecified or WeightsEncoding.F32 => WeightsEncoding.F32,
            WeightsEncoding.Bf16 => WeightsEncoding.Bf16,
            _ => throw Invalid($"weights encoding {encoding} is not supported (F32, BF16)"),
        };
        int size = maxChunkBytes is 0 or > WeightsChunks.MaxChunkBytes ? WeightsChunks.MaxChunkBytes : (int)maxChunkBytes;
        return (resolved, size);
    }
}
