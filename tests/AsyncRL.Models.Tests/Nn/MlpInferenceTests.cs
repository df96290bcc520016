using AsyncRL.Models.Nn;

namespace AsyncRL.Models.Tests.Nn;

public sealed class MlpInferenceTests
{
    [Fact]
    public void Forward_SingleAndBatch_MatchModuleForward()
    {
        var mlp = Mlp.Create([4, 64, 64, 2], ActivationKind.Tanh, new Generator(5));
        var inference = new MlpInference(mlp, maxBatch: 8);
        var x = Tensor.Uniform(new Generator(6), -1, 1, 8, 4);
        Tensor expected;
        using (Autograd.NoGrad()) expected = mlp.Forward(x);

        var batchOut = new float[16];
        inference.Forward(x.Data, 8, batchOut);
        for (int i = 0; i < 16; i++) Assert.Equal(expected.Data[i], batchOut[i], 5);

        for (int r = 0; r < 8; r++)
        {
            var y = inference.Forward(x.Data.Slice(r * 4, 4));
            Assert.Equal(expected.Data[r * 2], y[0], 5);
            Assert.Equal(expected.Data[r * 2 + 1], y[1], 5);
        }
    }

    [Fact]
    public void Forward_SingleObservation_AllocatesNothingAfterWarmUp()
    {
        var mlp = Mlp.Create([4, 64, 64, 2], ActivationKind.Relu, new Generator(5));
        var inference = new MlpInference(mlp);
        float[] obs = [0.1f, -0.2f, 0.3f, 0.05f];
        float sink = 0;
        for (int i = 0; i < 10; i++) sink += inference.Forward(obs)[0];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) sink += inference.Forward(obs)[0];
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(float.IsFinite(sink));
    }

    [Fact]
    public void Forward_SeesWeightsLoadedIntoTheModule()
    {
        var mlp = Mlp.Create([2, 3, 1], ActivationKind.Tanh, new Generator(1));
        var inference = new MlpInference(mlp);
        float before = inference.Forward([1f, 1f])[0];
        mlp.LoadStateDict(Mlp.Create([2, 3, 1], ActivationKind.Tanh, new Generator(2)).StateDict());
        Assert.NotEqual(before, inference.Forward([1f, 1f])[0]);
    }

    [Fact]
    public void Forward_WrongObservationLength_Throws()
    {
        var inference = new MlpInference(Mlp.Create([4, 8, 2], ActivationKind.Tanh, new Generator(1)));
        var ex = Assert.Throws<ArgumentException>(() => inference.Forward(new float[3]));
        Assert.Contains("expected 4 features, got 3", ex.Message, StringComparison.Ordinal);
    }
}
