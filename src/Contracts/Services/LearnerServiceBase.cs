using Grpc.Core;

namespace AsyncRL.Contracts.V1;

/// <summary>
/// The server side of <c>asyncrl.v1.Learner</c>: the generated <c>Learner.LearnerBase</c> in shape (override the
/// methods, map it with <c>MapGrpcService</c>), bound with <see cref="LearnerMethods"/> so that a malformed
/// request answers INVALID_ARGUMENT with the parser's reason. The generated base answers UNKNOWN: grpc-dotnet
/// reads a unary request before any interceptor runs, so nothing later could name the fault.
/// </summary>
[BindServiceMethod(typeof(LearnerServiceBase), nameof(BindService))]
public abstract class LearnerServiceBase
{
    /// <summary>The service's descriptor, where server reflection looks for it.</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Learner.Descriptor;

    /// <summary>An actor node joins the run and learns what to do.</summary>
    public virtual Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, ""));

    /// <summary>Samples flow in; acknowledgements and credits flow back.</summary>
    public virtual Task PushSamples(IAsyncStreamReader<SampleBatch> requestStream, IServerStreamWriter<PushAck> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, ""));

    /// <summary>Every newly published policy version, chunked.</summary>
    public virtual Task WatchWeights(WatchWeightsRequest request, IServerStreamWriter<WeightsChunk> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, ""));

    /// <summary>One chosen version, chunked.</summary>
    public virtual Task GetWeights(GetWeightsRequest request, IServerStreamWriter<WeightsChunk> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, ""));

    /// <summary>Registers the methods with grpc-dotnet's binder (which finds each override by its name).</summary>
    public static void BindService(ServiceBinderBase binder, LearnerServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(LearnerMethods.Register, service is null ? null : service.Register);
        binder.AddMethod(LearnerMethods.PushSamples, service is null ? null : service.PushSamples);
        binder.AddMethod(LearnerMethods.WatchWeights, service is null ? null : service.WatchWeights);
        binder.AddMethod(LearnerMethods.GetWeights, service is null ? null : service.GetWeights);
    }
}
