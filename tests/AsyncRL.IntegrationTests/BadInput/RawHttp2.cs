using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// HTTP/2 frames written by hand on a plain socket (h2c with prior knowledge), for a client that ignores the server's
/// SETTINGS — which HttpClient never does: it queues requests beyond SETTINGS_MAX_CONCURRENT_STREAMS itself. Header
/// blocks use HPACK literals without indexing or Huffman coding, which any decoder takes.
/// </summary>
internal sealed class RawHttp2 : IDisposable
{
    public const byte Headers = 0x1, RstStream = 0x3, Settings = 0x4, GoAway = 0x7;
    public const byte EndHeaders = 0x4, Ack = 0x1;
    public const ushort MaxConcurrentStreamsSetting = 0x3;
    public const uint RefusedStream = 0x7;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _header = new byte[9];

    private RawHttp2(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects and sends the client preface with an empty SETTINGS frame.</summary>
    public static async Task<RawHttp2> ConnectAsync(Uri server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port).WaitAsync(Eventually.Wait);
        var h2 = new RawHttp2(tcp);
        await h2._stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        await h2.WriteFrameAsync(Settings, 0, 0, []);
        return h2;
    }

    /// <summary>Opens stream <paramref name="streamId"/> with a complete header block and no END_STREAM: a request whose body never comes.</summary>
    public Task OpenAsync(int streamId, Uri server, string path, params (string Name, string Value)[] headers)
    {
        using var block = new MemoryStream();
        Literal(block, ":method", "POST");
        Literal(block, ":scheme", "http");
        Literal(block, ":authority", $"{server.Host}:{server.Port}");
        Literal(block, ":path", path);
        foreach (var (name, value) in headers) Literal(block, name, value);
        return WriteFrameAsync(Headers, EndHeaders, streamId, block.ToArray());
    }

    public Task AckSettingsAsync() => WriteFrameAsync(Settings, Ack, 0, []);

    /// <summary>The next frame from the server.</summary>
    public async Task<(byte Type, byte Flags, int StreamId, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        await _stream.ReadExactlyAsync(_header, cancellationToken);
        int length = (_header[0] << 16) | (_header[1] << 8) | _header[2];
        int streamId = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(5)) & int.MaxValue;
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancellationToken);
        return (_header[3], _header[4], streamId, payload);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }

    private async Task WriteFrameAsync(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        await _stream.WriteAsync(frame);
    }

    /// <summary>HPACK "literal header field without indexing — new name" (RFC 7541 §6.2.2), plain strings.</summary>
    private static void Literal(MemoryStream block, string name, string value)
    {
        block.WriteByte(0x00);
        String(block, name);
        String(block, value);
    }

    private static void String(MemoryStream block, string text)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        // A 7-bit prefix integer (RFC 7541 §5.1), Huffman bit clear.
        int length = bytes.Length;
        if (length < 127)
        {
            block.WriteByte((byte)length);
        }
        else
        {
            block.WriteByte(127);
            for (length -= 127; length >= 128; length >>= 7) block.WriteByte((byte)((length & 0x7F) | 0x80));
            block.WriteByte((byte)length);
        }
        block.Write(bytes);
    }
}
