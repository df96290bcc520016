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
}
