using AsyncRL.Contracts.Transport;

namespace AsyncRL.Contracts.V1;

/// <summary>The methods of <c>asyncrl.v1.Learner</c> (learner.proto), for servers and clients alike.</summary>
public static class LearnerMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "asyncrl.v1.Learner";

    /// <summary>An actor node joins the run and learns what to do.</summary>
    public static Method<RegisterRequest, RegisterReply> Register { get; } =
        ProtobufMethod.Create<RegisterRequest, RegisterReply>(MethodType.Unary, ServiceName, "Register");

    /// <summary>Samples flow in; acknowledgements and credits flow back.</summary>
    public static Method<SampleBatch, PushAck> PushSamples { get; } =
        ProtobufMethod.Create<SampleBatch, PushAck>(MethodType.DuplexStreaming, ServiceName, "PushSamples");

    /// <summary>Every newly published policy version, chunked.</summary>
    public static Method<WatchWeightsRequest, WeightsChunk> WatchWeights { get; } =
        ProtobufMethod.Create<WatchWeightsRequest, WeightsChunk>(MethodType.ServerStreaming, ServiceName, "WatchWeights");

    /// <summary>One chosen version, chunked.</summary>
    public static Method<GetWeightsRequest, WeightsChunk> GetWeights { get; } =
        ProtobufMethod.Create<GetWeightsRequest, WeightsChunk>(MethodType.ServerStreaming, ServiceName, "GetWeights");

    /// <summary>Maps the learner service's methods to <paramref name="service"/>.</summary>
    public static ServiceDefinition BindService(ILearnerService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return ServiceDefinition.CreateBuilder()
            .AddUnary(Register, service.RegisterAsync)
            .AddDuplexStreaming(PushSamples, service.PushSamplesAsync)
            .AddServerStreaming(WatchWeights, service.WatchWeightsAsync)
            .AddServerStreaming(GetWeights, service.GetWeightsAsync)
            .Build();
    }
}

/// <summary>The learner node's side of <c>asyncrl.v1.Learner</c>.</summary>
public interface ILearnerService
{
    /// <summary>Registers an actor node and returns its run spec.</summary>
    Task<RegisterReply> RegisterAsync(RegisterRequest request, ServerCallContext context);

    /// <summary>Ingests sample batches and answers each with an acknowledgement (and credits).</summary>
    Task PushSamplesAsync(IAsyncEnumerable<SampleBatch> batches, IServerStreamWriter<PushAck> acks, ServerCallContext context);

    /// <summary>Streams each newly published policy version until the call ends.</summary>
    Task WatchWeightsAsync(WatchWeightsRequest request, IServerStreamWriter<WeightsChunk> chunks, ServerCallContext context);

    /// <summary>Streams one policy version.</summary>
    Task GetWeightsAsync(GetWeightsRequest request, IServerStreamWriter<WeightsChunk> chunks, ServerCallContext context);
}

/// <summary>A typed client of <c>asyncrl.v1.Learner</c> over a <see cref="GrpcChannel"/>.</summary>
public sealed class LearnerClient
{
    private readonly GrpcChannel _channel;

    /// <summary>A client that calls through <paramref name="channel"/> (not owned).</summary>
    public LearnerClient(GrpcChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _channel = channel;
    }

    /// <summary>Registers this actor node.</summary>
    public Task<RegisterReply> RegisterAsync(RegisterRequest request, CallOptions options = default) =>
        _channel.UnaryAsync(LearnerMethods.Register, request, options);

    /// <summary>Opens the sample stream.</summary>
    public DuplexStreamingCall<SampleBatch, PushAck> PushSamples(CallOptions options = default) =>
        _channel.DuplexStreaming(LearnerMethods.PushSamples, options);

    /// <summary>Watches for new policy versions.</summary>
    public ServerStreamingCall<WeightsChunk> WatchWeights(WatchWeightsRequest request, CallOptions options = default) =>
        _channel.ServerStreaming(LearnerMethods.WatchWeights, request, options);

    /// <summary>Fetches one policy version.</summary>
    public ServerStreamingCall<WeightsChunk> GetWeights(GetWeightsRequest request, CallOptions options = default) =>
        _channel.ServerStreaming(LearnerMethods.GetWeights, request, options);
}
