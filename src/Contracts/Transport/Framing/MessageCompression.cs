using System.Buffers;
using System.IO.Compression;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// The message encodings we accept (grpc-encoding). We never compress what we send: our payloads are
/// mostly float tensors, which barely shrink, and compression would cost more CPU than it saves wire.
/// </summary>
internal static class MessageCompression
{
    public static bool IsSupported(string? encoding) =>
        encoding is null || IsIdentity(encoding) ||
        encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) ||
        encoding.Equals("deflate", StringComparison.OrdinalIgnoreCase);

    public static bool IsIdentity(string? encoding) =>
        encoding is null || encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase);

    /// <summary>Decompresses a payload, refusing output larger than <paramref name="maxSize"/>.</summary>
    public static byte[] Decompress(string encoding, in ReadOnlySequence<byte> payload, int maxSize, string role)
    {
        using var input = new MemoryStream(payload.ToArray(), writable: false);
        using Stream decoder = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(input, CompressionMode.Decompress)
            : new ZLibStream(input, CompressionMode.Decompress); // gRPC's "deflate" is the zlib format
        using var output = new MemoryStream();
        byte[] block = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = decoder.Read(block, 0, block.Length)) > 0)
            {
                if (output.Length + read > maxSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"Decompressed {role} message exceeds the maximum configured message size ({maxSize} bytes).");
                }
                output.Write(block, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"The {role} message could not be decompressed ({encoding})."), Metadata.Empty, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
        return output.ToArray();
    }
}
