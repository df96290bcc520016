using AsyncRL.Contracts.Tests.Interop;
using AsyncRL.Contracts.Transport;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>The test service's methods (asyncrl.test.v1.Interop).</summary>
internal static class InteropMethods
{
    public const string Service = "asyncrl.test.v1.Interop";

    public static readonly Method<EchoRequest, EchoReply> Echo =
        ProtobufMethod.Create<EchoRequest, EchoReply>(MethodType.Unary, Service, "Echo");

    public static readonly Method<DownloadRequest, Chunk> Download =
        ProtobufMethod.Create<DownloadRequest, Chunk>(MethodType.ServerStreaming, Service, "Download");

    public static readonly Method<Chunk, UploadSummary> Upload =
        ProtobufMethod.Create<Chunk, UploadSummary>(MethodType.ClientStreaming, Service, "Upload");

    public static readonly Method<EchoRequest, EchoReply> Chat =
        ProtobufMethod.Create<EchoRequest, EchoReply>(MethodType.DuplexStreaming, Service, "Chat");
}

/// <summary>The byte pattern of Download/Upload: byte at stream offset o is o mod 251.</summary>
internal static class Pattern
{
    public static void Fill(Span<byte> destination, long offset)
    {
        int start = (int)(offset % 251);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)start;
            if (++start == 251) start = 0;
        }
    }

    public static byte[] Create(long offset, int length)
    {
        var bytes = new byte[length];
        Fill(bytes, offset);
        return bytes;
    }

    public static bool Check(ReadOnlySpan<byte> data, long offset)
    {
        int expected = (int)(offset % 251);
        foreach (byte b in data)
        {
            if (b != expected) return false;
            if (++expected == 251) expected = 0;
        }
        return true;
    }
}
