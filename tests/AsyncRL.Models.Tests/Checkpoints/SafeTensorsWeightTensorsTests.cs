using AsyncRL.Models.Checkpoints;

namespace AsyncRL.Models.Tests.Checkpoints;

public sealed class SafeTensorsWeightTensorsTests
{
    [Fact]
    public void WeightTensors_IntegerWeight_ThrowsNamingTheTensorAndDType()
    {
        string header = "{" + SafeTensorsBytes.Entry("actor.0.bias", "F32", [2], 0, 8) + "," + SafeTensorsBytes.Entry("actor.0.weight", "I64", [1], 8, 16) + "}";
        var file = SafeTensors.Load(new MemoryStream(SafeTensorsBytes.Build(header, [.. SafeTensorsBytes.Floats(1f, 2f), .. new byte[8]])));

        var ex = Assert.Throws<InvalidDataException>(() => file.WeightTensors("checkpoint 7 model"));

        Assert.Contains("'actor.0.weight'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("I64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("checkpoint 7 model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightTensors_Bf16Weight_IsTakenAsFloat32()
    {
        string header = "{" + SafeTensorsBytes.Entry("w", "BF16", [2], 0, 4) + "}";
        var file = SafeTensors.Load(new MemoryStream(SafeTensorsBytes.Build(header, SafeTensorsBytes.UInt16s(0x3f80, 0x4000))));

        Assert.Equal([1f, 2f], file.WeightTensors("model").Single().Value.Data.ToArray());
    }
}
