using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Transport;
using Google.Protobuf;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>The C# implementation of the test service (the Python one mirrors it).</summary>
internal sealed class InteropService
{
    /// <summary>Completes when a call waiting for cancellation has seen it (tests wait on this, not on time).</summary>
    public TaskCompletionSource<StatusCode> CancellationObserved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a call starts waiting for cancellation.</summary>
    public TaskCompletionSource WaitingForCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServiceDefinition Definition() => ServiceDefinition.CreateBuilder()
        .AddUnary(InteropMethods.Echo, EchoAsync)
        .AddServerStreaming(InteropMethods.Download, DownloadAsync)
        .AddClientStreaming(InteropMethods.Upload, UploadAsync)
        .AddDuplexStreaming(InteropMethods.Chat, ChatAsync)
        .Build();

    public async Task<EchoReply> EchoAsync(EchoRequest request, ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("x-want-headers") is not null)
        {
            await context.WriteResponseHeadersAsync([new MetadataEntry("x-server-header", "early")]);
        }
        foreach (MetadataEntry entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("x-", StringComparison.Ordinal)) context.ResponseTrailers.Add(entry);
        }
        return await ReplyAsync(request, context);
    }

    public async Task DownloadAsync(DownloadRequest request, IServerStreamWriter<Chunk> responses, ServerCallContext context)
    {
        int chunkSize = request.ChunkSize > 0 ? request.ChunkSize : 64 * 1024;
        int sent = 0;
        for (long offset = 0; offset < request.TotalBytes; offset += chunkSize)
        {
            if (request.FailAfterChunks > 0 && sent == request.FailAfterChunks)
            {
                throw new RpcException((StatusCode)request.FailCode, $"failed after {sent} chunks");
            }
            int length = (int)Math.Min(chunkSize, request.TotalBytes - offset);
            await responses.WriteAsync(new Chunk { Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(Pattern.Create(offset, length)) }, context.CancellationToken);
            sent++;
        }
    }

    public async Task<UploadSummary> UploadAsync(IAsyncEnumerable<Chunk> requests, ServerCallContext context)
    {
        var summary = new UploadSummary { PatternOk = true };
        await foreach (Chunk chunk in requests)
        {
            summary.PatternOk &= chunk.Offset == summary.TotalBytes && Pattern.Check(chunk.Data.Span, chunk.Offset);
            summary.TotalBytes += chunk.Data.Length;
            summary.Chunks++;
        }
        return summary;
    }

    public async Task ChatAsync(IAsyncEnumerable<EchoRequest> requests, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        await foreach (EchoRequest request in requests)
        {
            await responses.WriteAsync(await ReplyAsync(request, context), context.CancellationToken);
        }
    }

    private async Task<EchoReply> ReplyAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.WaitForCancellation)
        {
            WaitingForCancellation.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                CancellationObserved.TrySetResult(context.Deadline is not null && context.Options.TimeProvider.GetUtcNow() >= context.Deadline
                    ? StatusCode.DeadlineExceeded
                    : StatusCode.Cancelled);
                throw;
            }
        }
        if (request.FailCode != 0) throw new RpcException((StatusCode)request.FailCode, request.FailMessage);
        var reply = new EchoReply
        {
            Text = request.Text,
            Payload = request.ReplyPayloadSize > 0 ? ByteString.CopyFrom(new byte[request.ReplyPayloadSize]) : request.Payload,
            HasDeadline = context.Deadline is not null,
        };
        if (context.Deadline is { } deadline)
        {
            reply.DeadlineRemainingMs = (long)(deadline - context.Options.TimeProvider.GetUtcNow()).TotalMilliseconds;
        }
        foreach (MetadataEntry entry in context.RequestHeaders)
        {
            if (!entry.IsBinary) reply.Metadata[entry.Key] = entry.Value;
        }
        return reply;
    }
}
