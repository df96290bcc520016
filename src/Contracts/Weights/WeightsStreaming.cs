using AsyncRL.Contracts.V1;
using Grpc.Core;

namespace AsyncRL.Contracts;

/// <summary>
/// Receives weights chunks straight into a <see cref="WeightsAssembler"/>. A normal
/// <see cref="WeightsChunk"/> costs a fresh 1 MiB array per chunk (a large-object-heap allocation) plus a
/// second copy into the blob; here each byte is copied once, from the transport's buffers into the blob.
/// Call the methods with <see cref="CallInvoker.AsyncServerStreamingCall{TRequest, TResponse}"/>.
/// </summary>
public static class WeightsStreaming
{
    /// <summary>A response marshaller that feeds every received chunk to <paramref name="assembler"/>.</summary>
    public static Marshaller<WeightsChunkReceipt> Into(WeightsAssembler assembler)
    {
        ArgumentNullException.ThrowIfNull(assembler);
        return new Marshaller<WeightsChunkReceipt>(
            static (_, _) => throw new NotSupportedException("Receipts are received, never sent."),
            context => assembler.AddEncoded(context.PayloadAsReadOnlySequence()));
    }

    /// <summary><c>WatchWeights</c>, with its responses fed to <paramref name="assembler"/>.</summary>
    public static Method<WatchWeightsRequest, WeightsChunkReceipt> WatchWeightsInto(WeightsAssembler assembler) =>
        Retarget(LearnerMethods.WatchWeights, assembler);

    /// <summary><c>GetWeights</c>, with its responses fed to <paramref name="assembler"/>.</summary>
    public static Method<GetWeightsRequest, WeightsChunkReceipt> GetWeightsInto(WeightsAssembler assembler) =>
        Retarget(LearnerMethods.GetWeights, assembler);

    /// <summary>Any server-streaming method of WeightsChunk, with its responses fed to <paramref name="assembler"/>.</summary>
    public static Method<TRequest, WeightsChunkReceipt> Retarget<TRequest>(Method<TRequest, WeightsChunk> method, WeightsAssembler assembler)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new Method<TRequest, WeightsChunkReceipt>(method.Type, method.ServiceName, method.Name, method.RequestMarshaller, Into(assembler));
    }
}
