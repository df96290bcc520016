using AsyncRL.Contracts.Tests.Interop;
using Grpc.Core;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>Handlers that misbehave on purpose (faulty.proto), to test how the server turns that into statuses.</summary>
internal sealed class FaultyService : Faulty.FaultyBase
{
    /// <summary>The Stubborn handler ignores cancellation and waits for this.</summary>
    public TaskCompletionSource ReleaseStubborn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes, when the Endless stream ends, with whether the call's token was cancelled by then.</summary>
    public TaskCompletionSource<bool> EndlessEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task<EchoReply> Throw(EchoRequest request, ServerCallContext context) =>
        throw new InvalidOperationException("secret internals");

    public override Task<EchoReply> SetStatus(EchoRequest request, ServerCallContext context)
    {
        context.Status = new Status(StatusCode.FailedPrecondition, "set, not thrown");
        return Task.FromResult(new EchoReply());
    }

    public override async Task<EchoReply> Stubborn(EchoRequest request, ServerCallContext context)
    {
        await ReleaseStubborn.Task; // deliberately deaf to the call's token
        return new EchoReply { Text = "too late" };
    }

    public override async Task Endless(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        try
        {
            for (int i = 0; ; i++)
            {
                await responseStream.WriteAsync(new EchoReply { Text = $"#{i}", Payload = Google.Protobuf.ByteString.CopyFrom(new byte[16384]) }, context.CancellationToken);
            }
        }
        finally
        {
            EndlessEnded.TrySetResult(context.CancellationToken.IsCancellationRequested);
        }
    }
}
