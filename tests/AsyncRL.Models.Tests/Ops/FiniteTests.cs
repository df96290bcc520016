namespace AsyncRL.Models.Tests.Ops;

public sealed class FiniteTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void All_NonFiniteAnywhere_IsFalse(float bad)
    {
        // Lengths around SIMD widths, with the bad value in the vector body and in the scalar tail.
        foreach (int length in new[] { 1, 7, 8, 16, 17, 33, 100 })
            for (int at = 0; at < length; at++)
            {
                var values = Enumerable.Range(0, length).Select(i => i * 0.5f - 3f).ToArray();
                values[at] = bad;
                Assert.False(Finite.All(values), $"length {length}, bad value at {at}");
            }
    }

    [Fact]
    public void All_FiniteExtremes_IsTrue()
    {
        float[] values = [float.MaxValue, float.MinValue, float.Epsilon, -0f, 0f, 1e-45f, 3.4e38f, -1f, 1f];
        Assert.True(Finite.All(values));
        Assert.True(Finite.All([]));
        Assert.True(Tensor.FromArray(values).AllFinite());
        Assert.False((Tensor.FromArray(values) * 10f).AllFinite());
    }
}
