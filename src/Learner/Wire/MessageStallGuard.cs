using System.Buffers;
using System.IO.Pipelines;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace AsyncRL.Learner.Wire;

/// <summary>
/// Cuts off a call whose request message stops arriving half way. Between messages a stream may idle as long as it
/// likes (an actor waiting for weights, or for credits); but once part of a message is in (its 5-byte length prefix
/// and maybe some of the body), each wait for more of it is bounded by the stall timeout. Past it the call ends
/// DEADLINE_EXCEEDED, naming what arrived, and <c>asyncrl.rpc.server.stalled_messages</c> counts it. Kestrel's
/// minimum request data rate cannot do this: it also ends the idle streams, which is why it is off.
/// </summary>
internal sealed partial class MessageStallGuard(RequestDelegate next, LearnerInstrumentation instrumentation, ILoggerFactory loggers,
    TimeSpan timeout, TimeProvider time)
{
    private readonly ILogger _logger = loggers.CreateLogger("AsyncRL.Learner.Wire");

    public Task InvokeAsync(HttpContext context)
    {
        // grpc-dotnet reads requests from Request.BodyReader, which this feature supplies.
        if (context.Features.Get<IRequestBodyPipeFeature>() is { } body)
        {
            string method = context.Request.Path.Value ?? "";
            string peer = context.Connection.RemoteIpAddress?.ToString() ?? "?";
            context.Features.Set<IRequestBodyPipeFeature>(new GuardedBody(new StallBoundedReader(body.Reader, timeout, time, buffered =>
            {
                instrumentation.StalledMessages.Add(1, new KeyValuePair<string, object?>("rpc.method", method));
                Stalled(_logger, method, peer, buffered, timeout.TotalSeconds);
            })));
        }
        return next(context);
    }

    [LoggerMessage(3103, LogLevel.Warning, "gRPC call {Method} from {Peer} cut off: {Bytes} bytes of a message arrived, then nothing for {Seconds} s")]
    private static partial void Stalled(ILogger logger, string method, string peer, long bytes, double seconds);

    private sealed class GuardedBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}

/// <summary>
/// A request body reader that knows whether its consumer left part of a message unconsumed: then the next read must
/// bring something within the timeout. The consumer's <see cref="AdvanceTo(SequencePosition, SequencePosition)"/>
/// tells it; no framing is parsed here.
/// </summary>
internal sealed class StallBoundedReader(PipeReader inner, TimeSpan timeout, TimeProvider time, Action<long> onStall) : PipeReader
{
    private ReadOnlySequence<byte> _last;
    private long _unconsumed;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_unconsumed == 0) return Remember(await inner.ReadAsync(cancellationToken).ConfigureAwait(false));
        using var stall = new CancellationTokenSource(timeout, time);
        using var caller = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), stall);
        try
        {
            return Remember(await inner.ReadAsync(stall.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            onStall(_unconsumed);
            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"request message stalled: {_unconsumed} bytes of it arrived, then nothing for {timeout.TotalSeconds:0.###} s"));
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result)) return false;
        Remember(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _unconsumed = _last.Slice(consumed).Length;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private ReadResult Remember(ReadResult result)
    {
        _last = result.Buffer;
        return result;
    }
}
