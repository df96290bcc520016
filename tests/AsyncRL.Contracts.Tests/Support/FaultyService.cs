using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Transport;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>Handlers that misbehave on purpose, to test how the server turns that into statuses.</summary>
internal sealed class FaultyService
{
    public const string Service = "asyncrl.test.v1.Faulty";

    public static readonly Method<EchoRequest, EchoReply> Throw = Unary("Throw");
    public static readonly Method<EchoRequest, EchoReply> SetStatus = Unary("SetStatus");
    public static readonly Method<EchoRequest, EchoReply> Stubborn = Unary("Stubborn");
    public static readonly Method<EchoRequest, EchoReply> SwallowBrokenStream =
        ProtobufMethod.Create<EchoRequest, EchoReply>(MethodType.ClientStreaming, Service, "SwallowBrokenStream");
    public static readonly Method<EchoRequest, EchoReply> Endless =
        ProtobufMethod.Create<EchoRequest, EchoReply>(MethodType.ServerStreaming, Service, "Endless");

    /// <summary>The Stubborn handler ignores cancellation and waits for this.</summary>
    public TaskCompletionSource ReleaseStubborn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with how the Endless stream ended (the exception type that stopped it).</summary>
    public TaskCompletionSource<string> EndlessEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the Endless stream has written its first message.</summary>
    public TaskCompletionSource EndlessStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServiceDefinition Definition() => ServiceDefinition.CreateBuilder()
        .AddUnary(Throw, (_, _) => throw new InvalidOperationException("secret internals"))
        .AddUnary(SetStatus, (_, context) =>
        {
            context.Status = new Status(StatusCode.FailedPrecondition, "set, not thrown");
            return Task.FromResult(new EchoReply());
        })
        .AddUnary(Stubborn, async (_, _) =>
        {
            await ReleaseStubborn.Task; // deliberately deaf to the call's token
            return new EchoReply { Text = "too late" };
        })
        .AddClientStreaming(SwallowBrokenStream, async (requests, context) =>
        {
            try
            {
                await foreach (EchoRequest request in requests)
                {
                }
            }
            catch (RpcException)
            {
                // A careless handler: the transport must still answer with the protocol error.
            }
            return new EchoReply { Text = "all good?" };
        })
        .AddServerStreaming(Endless, async (_, responses, context) =>
        {
            try
            {
                for (int i = 0; ; i++)
                {
                    await responses.WriteAsync(new EchoReply { Text = $"#{i}", Payload = Google.Protobuf.ByteString.CopyFrom(new byte[16384]) }, context.CancellationToken);
                    EndlessStarted.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                EndlessEnded.TrySetResult(ex.GetType().Name);
                throw;
            }
        })
        .Build();

    private static Method<EchoRequest, EchoReply> Unary(string name) =>
        ProtobufMethod.Create<EchoRequest, EchoReply>(MethodType.Unary, Service, name);
}
