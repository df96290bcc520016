using System.Buffers.Binary;
using System.IO.Pipelines;
using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;

namespace AsyncRL.Contracts.Tests.Transport;

/// <summary>
/// Property test of the message reader: for 12,000 seeded random byte streams (valid frames, truncated ones,
/// lying length prefixes, bad flags, the compressed flag without an encoding, pure noise), delivered in random
/// pieces, the reader yields exactly what a straightforward reference parser says, and fails only with the
/// status the protocol asks for.
/// </summary>
public sealed class FrameReaderFuzzTests
{
    private const int MaxMessageSize = 4096;
    private const int Cases = 12_000;

    private enum Outcome { End, Incomplete, InvalidFlags, TooLarge, CompressedWithoutEncoding }

    [Fact]
    public async Task ReadAsync_RandomStreamsInRandomPieces_MatchesReferenceParser()
    {
        var seen = new Dictionary<Outcome, int>();
        for (int seed = 0; seed < Cases; seed++)
        {
            // Arrange
            var random = new Random(seed);
            byte[] stream = GenerateStream(random);
            var (expectedMessages, expectedOutcome) = ReferenceParse(stream);

            // Act
            var (messages, outcome, status) = await ReadInPiecesAsync(stream, random).Within();

            // Assert
            Assert.True(expectedOutcome == outcome, $"seed {seed}: expected {expectedOutcome}, got {outcome} ({status})");
            Assert.Equal(expectedMessages.Count, messages.Count);
            for (int i = 0; i < messages.Count; i++) Assert.True(expectedMessages[i].SequenceEqual(messages[i]), $"seed {seed}: message {i} differs");
            Assert.Equal(ExpectedCode(outcome), status.StatusCode);
            seen[outcome] = seen.GetValueOrDefault(outcome) + 1;
        }

        // The generator must reach every outcome often, or the property proves little.
        Assert.All(Enum.GetValues<Outcome>(), o => Assert.True(seen.GetValueOrDefault(o) >= 200, $"{o}: only {seen.GetValueOrDefault(o)} cases"));
    }

    [Fact]
    public void TryRead_HeaderSplitAcrossSegments_ReadsTheSameFrame()
    {
        // Arrange: a 5-byte prefix cut 2|3 across segments, payload in a third segment.
        byte[] frame = [0, 0, 0, 0, 3, 7, 8, 9];
        var first = new Segment(frame.AsMemory(0, 2));
        var last = first.Append(frame.AsMemory(2, 3)).Append(frame.AsMemory(5, 3));
        var sequence = new System.Buffers.ReadOnlySequence<byte>(first, 0, last, 3);

        // Act
        FrameReadStatus status = GrpcFrame.TryRead(sequence, MaxMessageSize, out FrameHeader header, out System.Buffers.ReadOnlySequence<byte> payload);

        // Assert
        Assert.Equal(FrameReadStatus.Message, status);
        Assert.Equal(3u, header.Length);
        Assert.Equal([7, 8, 9], System.Buffers.BuffersExtensions.ToArray(payload));
    }

    private static StatusCode ExpectedCode(Outcome outcome) => outcome switch
    {
        Outcome.End => StatusCode.OK,
        Outcome.TooLarge => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    private static byte[] GenerateStream(Random random)
    {
        int kind = random.Next(10);
        if (kind == 0)
        {
            // Pure noise.
            var noise = new byte[random.Next(0, 64)];
            random.NextBytes(noise);
            return noise;
        }
        var bytes = new List<byte>();
        int frames = random.Next(0, 5);
        for (int f = 0; f < frames; f++)
        {
            int length = random.Next(4) == 0 ? random.Next(0, MaxMessageSize + 1) : random.Next(0, 40);
            var payload = new byte[length];
            random.NextBytes(payload);
            bytes.Add(0);
            bytes.AddRange(BigEndian((uint)length));
            bytes.AddRange(payload);
        }
        byte[] stream = bytes.ToArray();
        if (stream.Length == 0) return stream;
        switch (kind)
        {
            case 1: // truncated anywhere
                return stream[..random.Next(0, stream.Length)];
            case 2: // a flags byte other than 0/1 on some frame start (or anywhere: then it is just corruption)
                stream[random.Next(stream.Length)] = (byte)random.Next(2, 256);
                return stream;
            case 3: // the compressed flag without grpc-encoding
                stream[0] = 1;
                return stream;
            case 4: // the first length prefix lies upwards or downwards
                if (stream.Length >= 5) BinaryPrimitives.WriteUInt32BigEndian(stream.AsSpan(1), (uint)random.Next(0, 3 * MaxMessageSize));
                return stream;
            case 5: // a prefix announcing more than the limit
                if (stream.Length >= 5) BinaryPrimitives.WriteUInt32BigEndian(stream.AsSpan(1), (uint)random.NextInt64(MaxMessageSize + 1, uint.MaxValue));
                return stream;
            case 6: // trailing garbage
                var tail = new byte[random.Next(1, 12)];
                random.NextBytes(tail);
                return [.. stream, .. tail];
            default:
                return stream;
        }
    }

    private static (List<byte[]> Messages, Outcome Outcome) ReferenceParse(byte[] stream)
    {
        var messages = new List<byte[]>();
        int position = 0;
        while (true)
        {
            int remaining = stream.Length - position;
            if (remaining == 0) return (messages, Outcome.End);
            if (remaining < 5) return (messages, Outcome.Incomplete);
            byte flags = stream[position];
            uint length = BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(position + 1));
            if (flags > 1) return (messages, Outcome.InvalidFlags);
            if (length > MaxMessageSize) return (messages, Outcome.TooLarge);
            if (remaining - 5 < length) return (messages, Outcome.Incomplete);
            if (flags == 1) return (messages, Outcome.CompressedWithoutEncoding);
            messages.Add(stream.AsSpan(position + 5, (int)length).ToArray());
            position += 5 + (int)length;
        }
    }

    private static async Task<(List<byte[]> Messages, Outcome Outcome, Status Status)> ReadInPiecesAsync(byte[] stream, Random random)
    {
        // Inline schedulers make the interleaving of writer and reader deterministic for a seed.
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0, minimumSegmentSize: 16, useSynchronizationContext: false));
        using var reader = new MessageReader<ReadOnlyMemory<byte>>(pipe.Reader, Marshallers.Bytes, MaxMessageSize, encoding: null,
            "request", Timeout.InfiniteTimeSpan, TimeProvider.System);
        var messages = new List<byte[]>();
        Task<(Outcome, Status)> reading = ReadAllAsync();

        for (int position = 0; position < stream.Length && !reading.IsCompleted;)
        {
            int piece = Math.Min(stream.Length - position, random.Next(1, 3) == 1 ? random.Next(1, 8) : random.Next(1, 600));
            await pipe.Writer.WriteAsync(stream.AsMemory(position, piece));
            position += piece;
        }
        await pipe.Writer.CompleteAsync();
        var (outcome, status) = await reading;
        return (messages, outcome, status);

        async Task<(Outcome, Status)> ReadAllAsync()
        {
            try
            {
                while (true)
                {
                    var (hasMessage, message) = await reader.ReadAsync(CancellationToken.None);
                    if (!hasMessage) return (Outcome.End, Status.DefaultSuccess);
                    messages.Add(message.ToArray());
                }
            }
            catch (RpcException ex)
            {
                Outcome outcome = reader.Error switch
                {
                    ProtocolError.IncompleteMessage => Outcome.Incomplete,
                    ProtocolError.InvalidFlags => Outcome.InvalidFlags,
                    ProtocolError.MessageTooLarge => Outcome.TooLarge,
                    ProtocolError.CompressedWithoutEncoding => Outcome.CompressedWithoutEncoding,
                    _ => throw new InvalidOperationException($"Unexpected reader error {reader.Error}", ex),
                };
                return (outcome, ex.Status);
            }
        }
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private sealed class Segment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
