using AsyncRL.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace AsyncRL.Contracts;

/// <summary>
/// The methods of <c>asyncrl.v1.Learner</c> (learner.proto), as the generated stubs name them, with request
/// marshallers that answer a malformed message INVALID_ARGUMENT (the generated ones surface it as UNKNOWN), for
/// the learner's service binding and for calls that use their own response marshallers.
/// </summary>
public static class LearnerMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "asyncrl.v1.Learner";

    /// <summary>An actor node joins the run and learns what to do.</summary>
    public static Method<RegisterRequest, RegisterReply> Register { get; } = Protobuf<RegisterRequest, RegisterReply>(MethodType.Unary, "Register");

    /// <summary>Samples flow in; acknowledgements and credits flow back.</summary>
    public static Method<SampleBatch, PushAck> PushSamples { get; } = Protobuf<SampleBatch, PushAck>(MethodType.DuplexStreaming, "PushSamples");

    /// <summary>Every newly published policy version, chunked.</summary>
    public static Method<WatchWeightsRequest, WeightsChunk> WatchWeights { get; } = Protobuf<WatchWeightsRequest, WeightsChunk>(MethodType.ServerStreaming, "WatchWeights");

    /// <summary>One chosen version, chunked.</summary>
    public static Method<GetWeightsRequest, WeightsChunk> GetWeights { get; } = Protobuf<GetWeightsRequest, WeightsChunk>(MethodType.ServerStreaming, "GetWeights");

    private static Method<TRequest, TResponse> Protobuf<TRequest, TResponse>(MethodType type, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        new(type, ServiceName, name, Marshal<TRequest>(), Marshal<TResponse>());

    private static Marshaller<T> Marshal<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context =>
            {
                try
                {
                    return parser.ParseFrom(context.PayloadAsReadOnlySequence());
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"malformed {typeof(T).Name}: {e.Message}"));
                }
            });
    }
}
