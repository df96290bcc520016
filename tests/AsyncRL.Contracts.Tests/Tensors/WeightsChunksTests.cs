using System.Buffers;
using System.Diagnostics;
using AsyncRL.Contracts.V1;
using Google.Protobuf;

namespace AsyncRL.Contracts.Tests.Tensors;

public sealed class WeightsChunksTests
{
    [Fact]
    public void Crc32C_KnownVector_MatchesTheStandard()
    {
        // The check value of CRC-32C over "123456789".
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(Crc32C.Compute("123456789"u8), Crc32C.Append(Crc32C.Compute("1234"u8), "56789"u8));
    }

    [Fact]
    public void Crc32C_InterleavedLanes_MatchABitwiseReference()
    {
        // Arrange
        var random = new Random(17);
        for (int i = 0; i < 300; i++)
        {
            var data = new byte[random.Next(0, i < 50 ? 64 : 100_000)];
            random.NextBytes(data);
            int split = random.Next(0, data.Length + 1);

            // Act
            uint whole = Crc32C.Compute(data);
            uint appended = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split));

            // Assert
            uint reference = BitwiseCrc32C(data);
            Assert.Equal(reference, whole);
            Assert.Equal(reference, appended);
        }
    }

    [Fact]
    public void Split_ThenAssemble_RestoresBlobLayoutAndChecksum()
    {
        // Arrange
        byte[] blob = Enumerable.Range(0, 2_500_000).Select(i => (byte)(i * 31)).ToArray();
        ParameterInfo[] layout = [new() { Name = "policy.0.weight", Shape = { 625_000 }, Offset = 0, Dtype = DType.Float32 }];

        // Act
        IReadOnlyList<WeightsChunk> chunks = WeightsChunks.Split(7, WeightsEncoding.F32, blob, layout);
        var assembler = new WeightsAssembler();
        bool[] completed = chunks.Select(c => assembler.Add(WeightsChunk.Parser.ParseFrom(c.ToByteArray()))).ToArray();

        // Assert
        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.Data.Length <= WeightsChunks.MaxChunkBytes));
        Assert.Equal([false, false, true], completed);
        Assert.Equal(blob, assembler.Blob.ToArray());
        Assert.Equal("policy.0.weight", Assert.Single(assembler.Parameters).Name);
        Assert.Empty(chunks[1].Parameters);
        Assert.Equal(7, assembler.Version);
    }

    [Fact]
    public void Add_CorruptedData_FailsTheChecksum()
    {
        // Arrange
        byte[] blob = new byte[3000];
        var chunks = WeightsChunks.Split(1, WeightsEncoding.F32, blob, [], maxChunkBytes: 1000);
        var assembler = new WeightsAssembler();
        assembler.Add(chunks[0]);
        assembler.Add(chunks[1]);
        var corrupted = chunks[2].Clone();
        corrupted.Data = ByteString.CopyFrom(Enumerable.Repeat((byte)1, 1000).ToArray());

        // Act / Assert
        var ex = Assert.Throws<InvalidDataException>(() => assembler.Add(corrupted));
        Assert.Contains("CRC-32C", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_GapOrForeignVersion_IsRejected()
    {
        var chunks = WeightsChunks.Split(1, WeightsEncoding.F32, new byte[3000], [], maxChunkBytes: 1000);
        var gap = new WeightsAssembler();
        gap.Add(chunks[0]);
        Assert.Contains("expected offset 1000, got 2000", Assert.Throws<InvalidDataException>(() => gap.Add(chunks[2])).Message, StringComparison.Ordinal);

        var foreign = new WeightsAssembler();
        foreign.Add(chunks[0]);
        var other = chunks[1].Clone();
        other.Version = 2;
        Assert.Throws<InvalidDataException>(() => foreign.Add(other));

        var tooBig = new WeightsAssembler(maxBytes: 100);
        Assert.Throws<InvalidDataException>(() => tooBig.Add(chunks[0]));
    }

    [Fact]
    public void Split_EmptyBlob_YieldsOneEmptyChunkThatCompletes()
    {
        var chunks = WeightsChunks.Split(3, WeightsEncoding.Bf16, ReadOnlyMemory<byte>.Empty, []);
        Assert.True(new WeightsAssembler().Add(Assert.Single(chunks)));
    }

    [Fact]
    public void AddEncoded_SerializedChunksInRandomSegments_SameResultAsAdd()
    {
        // Arrange
        var random = new Random(5);
        byte[] blob = new byte[2_300_000];
        random.NextBytes(blob);
        ParameterInfo[] layout = [new() { Name = "q.weight", Shape = { 575_000 }, Dtype = DType.Float32 }];
        var chunks = WeightsChunks.Split(9, WeightsEncoding.F32, blob, layout, learnerUpdate: 123);
        var assembler = new WeightsAssembler();

        // Act: each chunk arrives as wire bytes cut into random segments, as a transport would deliver it.
        var receipts = chunks.Select(c => assembler.AddEncoded(Segmented(c.ToByteArray(), random))).ToArray();

        // Assert
        Assert.Equal([false, false, true], receipts.Select(r => r.Completed));
        Assert.Equal(WeightsChunks.MaxChunkBytes, receipts[1].Offset);
        Assert.Equal(blob, assembler.Blob.ToArray());
        Assert.Equal("q.weight", Assert.Single(assembler.Parameters).Name);
        Assert.Equal(123, assembler.LearnerUpdate);
        Assert.Equal(9, assembler.Version);
    }

    [Fact]
    public void Split_WithTrace_OnlyTheFirstChunkCarriesIt_AndBothAssemblyPathsReadIt()
    {
        // Arrange
        var publish = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "k=v");
        byte[] blob = new byte[2 * WeightsChunks.MaxChunkBytes + 8];
        ParameterInfo[] layout = [new() { Name = "w", Shape = { blob.Length / 4 }, Dtype = DType.Float32 }];

        // Act
        var chunks = WeightsChunks.Split(4, WeightsEncoding.F32, blob, layout, trace: TraceContexts.ToMessage(publish));
        var decoded = new WeightsAssembler();
        foreach (var chunk in chunks) decoded.AddEncoded(new ReadOnlySequence<byte>(chunk.ToByteArray()));
        var added = new WeightsAssembler();
        foreach (var chunk in chunks) added.Add(chunk);

        // Assert
        Assert.Equal([true, false, false], chunks.Select(c => c.Trace is not null));
        Assert.Equal($"00-{publish.TraceId}-{publish.SpanId}-01", chunks[0].Trace.Traceparent);
        foreach (var assembler in new[] { decoded, added })
        {
            Assert.Equal(publish.TraceId, assembler.Trace.TraceId);
            Assert.Equal(publish.SpanId, assembler.Trace.SpanId);
            Assert.Equal("k=v", assembler.Trace.TraceState);
            Assert.True(assembler.Trace.IsRemote);
        }
    }

    [Fact]
    public void TraceContexts_MalformedOrAbsent_IsNoSpan()
    {
        Assert.Null(TraceContexts.ToMessage(default));
        Assert.Equal(default, TraceContexts.FromMessage(null));
        Assert.Equal(default, TraceContexts.FromMessage(new TraceContext { Traceparent = "00-zz-not-a-span" }));
    }

    [Fact]
    public void AddEncoded_UnknownFields_AreSkipped()
    {
        // Arrange: a chunk from a newer learner, with fields this version does not know (varint, fixed64,
        // bytes and fixed32 wire types).
        var chunk = WeightsChunks.Split(1, WeightsEncoding.Bf16, new byte[] { 1, 2, 3, 4 }, [])[0];
        byte[] unknown = [0xC8, 0x01, 0x2A, 0xD1, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0xDA, 0x01, 2, 9, 9, 0xE5, 0x01, 1, 2, 3, 4];
        byte[] wire = [.. unknown[..3], .. chunk.ToByteArray(), .. unknown[3..]];

        // Act
        var assembler = new WeightsAssembler();
        WeightsChunkReceipt receipt = assembler.AddEncoded(new ReadOnlySequence<byte>(wire));

        // Assert
        Assert.True(receipt.Completed);
        Assert.Equal([1, 2, 3, 4], assembler.Blob.ToArray());
        Assert.Equal(WeightsEncoding.Bf16, assembler.Encoding);
    }

    [Fact]
    public void AddEncoded_TruncatedMessage_Throws()
    {
        byte[] wire = WeightsChunks.Split(1, WeightsEncoding.F32, new byte[100], [])[0].ToByteArray();

        var ex = Assert.Throws<InvalidDataException>(() => new WeightsAssembler().AddEncoded(new ReadOnlySequence<byte>(wire[..^10])));

        Assert.Contains("ends inside a field", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_NextVersionAfterCompletion_StartsANewBlobAndKeepsTheOld()
    {
        // Arrange
        var assembler = new WeightsAssembler();
        assembler.Add(WeightsChunks.Split(1, WeightsEncoding.F32, new byte[] { 1, 1 }, [])[0]);
        ReadOnlyMemory<byte> first = assembler.Blob;

        // Act
        bool completed = assembler.Add(WeightsChunks.Split(2, WeightsEncoding.F32, new byte[] { 2, 2, 2 }, [])[0]);

        // Assert
        Assert.True(completed);
        Assert.Equal(2, assembler.Version);
        Assert.Equal([2, 2, 2], assembler.Blob.ToArray());
        Assert.Equal([1, 1], first.ToArray());
    }

    private static uint BitwiseCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, Random random)
    {
        var first = new Segment(bytes.AsMemory(0, 0));
        Segment last = first;
        for (int position = 0; position < bytes.Length;)
        {
            int length = Math.Min(bytes.Length - position, random.Next(1, 200_000));
            last = last.Append(bytes.AsMemory(position, length));
            position += length;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
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
