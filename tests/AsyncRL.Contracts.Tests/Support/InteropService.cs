using AsyncRL.Contracts.Tests.Interop;
using Google.Protobuf;
using Grpc.Core;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>The C# implementation of the test service (the Python one, interop_server.py, mirrors it).</summary>
internal sealed class InteropService : AsyncRL.Contracts.Tests.Interop.Interop.InteropBase
{
    private int _calls;

    /// <summary>Completes when a call waiting for cancellation has seen it (tests wait on this, not on time).</summary>
    public TaskCompletionSource<StatusCode> CancellationObserved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a call starts waiting for cancellation.</summary>
    public TaskCompletionSource WaitingForCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many calls reached a handler of this service.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public override async Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        if (context.RequestHeaders.GetValue("x-want-headers") is not null)
        {
            await context.WriteResponseHeadersAsync([new Metadata.Entry("x-server-header", "early")]);
        }
        foreach (Metadata.Entry entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("x-", StringComparison.Ordinal)) context.ResponseTrailers.Add(entry);
        }
        return await ReplyAsync(request, context);
    }

    public override async Task Download(DownloadRequest request, IServerStreamWriter<Chunk> responseStream, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        int chunkSize = request.ChunkSize > 0 ? request.ChunkSize : 64 * 1024;
        int sent = 0;
        for (long offset = 0; offset < request.TotalBytes; offset += chunkSize)
        {
            if (request.FailAfterChunks > 0 && sent == request.FailAfterChunks)
            {
                throw new RpcException(new Status((StatusCode)request.FailCode, $"failed after {sent} chunks"));
            }
            int length = (int)Math.Min(chunkSize, request.TotalBytes - offset);
            await responseStream.WriteAsync(new Chunk { Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(Pattern.Create(offset, length)) }, context.CancellationToken);
            sent++;
        }
    }

    public override async Task<UploadSummary> Upload(IAsyncStreamReader<Chunk> requestStream, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        var summary = new UploadSummary { PatternOk = true };
        await foreach (Chunk chunk in requestStream.ReadAllAsync(context.CancellationToken))
        {
            summary.PatternOk &= chunk.Offset == summary.TotalBytes && Pattern.Check(chunk.Data.Span, chunk.Offset);
            summary.TotalBytes += chunk.Data.Length;
            summary.Chunks++;
        }
        return summary;
    }

    public override async Task Chat(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        await foreach (EchoRequest request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(await ReplyAsync(request, context), context.CancellationToken);
        }
    }

    /// <summary>Whether the call has a deadline (grpc-dotnet reports none as <see cref="DateTime.MaxValue"/>).</summary>
    private static bool HasDeadline(ServerCallContext context) => context.Deadline != DateTime.MaxValue;

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
                CancellationObserved.TrySetResult(HasDeadline(context) && DateTime.UtcNow >= context.Deadline
                    ? StatusCode.DeadlineExceeded
                    : StatusCode.Cancelled);
                throw;
            }
        }
        if (request.FailCode != 0) throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage));
        var reply = new EchoReply
        {
            Text = request.Text,
            Payload = request.ReplyPayloadSize > 0 ? ByteString.CopyFrom(new byte[request.ReplyPayloadSize]) : request.Payload,
            HasDeadline = HasDeadline(context),
        };
        if (HasDeadline(context))
        {
            reply.DeadlineRemainingMs = (long)(context.Deadline - DateTime.UtcNow).TotalMilliseconds;
        }
        foreach (Metadata.Entry entry in context.RequestHeaders)
        {
            if (!entry.IsBinary) reply.Metadata[entry.Key] = entry.Value;
        }
        return reply;
    }
}
