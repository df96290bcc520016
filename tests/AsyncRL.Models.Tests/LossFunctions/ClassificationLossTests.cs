using static AsyncRL.Models.Losses;
using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.LossFunctions;

public sealed class ClassificationLossTests
{
    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void CrossEntropy_WithIgnoredRows_MatchesFiniteDifferences(Reduction reduction)
    {
        int[] targets = [2, -100, 0, 3, -100, 1];
        Check(t => CrossEntropy(t[0], targets, reduction: reduction), [Rand(1, -3, 3, 6, 4)]);
    }

    [Fact]
    public void CrossEntropy_SequenceLogits_MatchFiniteDifferences()
    {
        // [B, T, V] language-model logits with padding tokens marked by a custom ignore index.
        int[] targets = [1, 4, 0, -1, 2, 2];
        Check(t => CrossEntropy(t[0], targets, ignoreIndex: -1), [Rand(2, -2, 2, 2, 3, 5)]);
    }

    [Fact]
    public void CrossEntropy_MatchesNegativeLogSoftmax()
    {
        var logits = Rand(3, -3, 3, 4, 5);
        int[] targets = [4, 0, -100, 2];
        var x = logits.ToArray();
        double sum = 0;
        var perRow = new float[4];
        for (int r = 0; r < 4; r++)
        {
            if (targets[r] < 0) continue;
            double z = 0;
            for (int c = 0; c < 5; c++) z += Math.Exp(x[r * 5 + c]);
            perRow[r] = (float)-Math.Log(Math.Exp(x[r * 5 + targets[r]]) / z);
            sum += perRow[r];
        }
        Assert.Equal((float)(sum / 3), CrossEntropy(logits, targets).Item(), 5);
        Assert.Equal((float)sum, CrossEntropy(logits, targets, reduction: Reduction.Sum).Item(), 5);
        var each = CrossEntropy(logits, targets, reduction: Reduction.None);
        Assert.Equal([4], each.Shape.ToArray());
        for (int r = 0; r < 4; r++) Assert.Equal(perRow[r], each.ToArray()[r], 5);
    }

    [Fact]
    public void CrossEntropy_ExtremeLogits_AreExactAndHaveFiniteGradient()
    {
        var logits = Tensor.FromArray([1000f, -1000f, 0f, -1000f, 1000f, 0f], 2, 3).RequiresGrad_();
        var loss = CrossEntropy(logits, [1, 1], reduction: Reduction.Sum);
        Assert.Equal(2000f, loss.Item()); // row 0: wrong by 2000 nats; row 1: right, 0
        loss.Backward();
        Assert.Equal([1f, -1f, 0f, 0f, 0f, 0f], logits.Grad!.ToArray());
    }

    [Fact]
    public void CrossEntropy_AllRowsIgnored_IsZeroWithZeroGradient()
    {
        var logits = Rand(4, -1, 1, 2, 3).RequiresGrad_();
        var loss = CrossEntropy(logits, [-100, -100]);
        Assert.Equal(0f, loss.Item());
        loss.Backward();
        Assert.All(logits.Grad!.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void CrossEntropy_BadTargets_Throw()
    {
        var logits = Tensor.Zeros(2, 3);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy(logits, [0, 3]));
        Assert.Contains("target 3 in row 1", range.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy(logits, [0, -1]));
        var count = Assert.Throws<ArgumentException>(() => CrossEntropy(logits, [0, 1, 2]));
        Assert.Contains("[2, 3]", count.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CrossEntropy(Tensor.Zeros(2, 0), [0, 0]));
    }

    [Fact]
    public void LogSigmoid_DpoLoss_MatchesFiniteDifferences()
    {
        // −log σ(β·((π_c − ref_c) − (π_r − ref_r))) with the reference terms as constants.
        var referenceMargin = Rand(5, -1, 1, 4);
        Check(t => LogSigmoid((t[0] - t[1] - referenceMargin) * 0.5f).Neg().Mean(), [Rand(6, -3, 3, 4), Rand(7, -3, 3, 4)]);
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void BinaryCrossEntropyWithLogits_MatchesFiniteDifferences(Reduction reduction)
    {
        Check(t => BinaryCrossEntropyWithLogits(t[0], t[1], reduction: reduction), [Rand(1, -4, 4, 3, 4), Rand(2, 0, 1, 3, 4)]);
        Check(t => BinaryCrossEntropyWithLogits(t[0], t[1], t[2], reduction), [Rand(3, -4, 4, 3, 4), Rand(4, 0, 1, 3, 4), Rand(5, 0.5f, 2, 4)]);
        Check(t => BinaryCrossEntropyWithLogits(t[0], t[1], t[2], reduction), [Rand(6, -4, 4, 3, 4), Rand(7, 0, 1, 3, 4), Rand(8, 0.5f, 2, 3, 4)]);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_MatchesDefinition()
    {
        float[] x = [-2f, -0.3f, 0f, 0.7f, 3f];
        float[] t = [0f, 1f, 0.5f, 0.2f, 1f];
        float[] w = [1f, 2f, 0.5f, 1f, 3f];
        var each = BinaryCrossEntropyWithLogits(Tensor.FromArray(x), Tensor.FromArray(t), Tensor.FromArray(w), Reduction.None).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            double p = 1 / (1 + Math.Exp(-x[i]));
            double expected = -w[i] * (t[i] * Math.Log(p) + (1 - t[i]) * Math.Log(1 - p));
            Assert.Equal((float)expected, each[i], 5);
        }
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_ExtremeLogits_AreExactAndFinite()
    {
        var logits = Tensor.FromArray([100f, -100f, 100f, -100f]).RequiresGrad_();
        var targets = Tensor.FromArray([0f, 1f, 1f, 0f]);
        var each = BinaryCrossEntropyWithLogits(logits, targets, reduction: Reduction.None);
        Assert.Equal([100f, 100f], each.ToArray()[..2]);
        Assert.All(each.ToArray()[2..], v => Assert.InRange(v, 0f, 1e-40f));
        each.Sum().Backward();
        Assert.Equal([1f, -1f, 0f, 0f], logits.Grad!.ToArray());
    }

    [Fact]
    public void BradleyTerry_PreferenceLoss_PushesChosenAboveRejected()
    {
        var chosen = Tensor.FromArray([0.2f, -1f]).RequiresGrad_();
        var rejected = Tensor.FromArray([0.5f, 1f]).RequiresGrad_();
        var loss = BinaryCrossEntropyWithLogits(chosen - rejected, Tensor.Ones(2));
        Assert.Equal((float)(Math.Log(1 + Math.Exp(0.3)) + Math.Log(1 + Math.Exp(2))) / 2, loss.Item(), 5);
        loss.Backward();
        Assert.All(chosen.Grad!.ToArray(), g => Assert.True(g < 0));
        Assert.All(rejected.Grad!.ToArray(), g => Assert.True(g > 0));
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_BadShapes_Throw()
    {
        var ex = Assert.Throws<ArgumentException>(() => BinaryCrossEntropyWithLogits(Tensor.Zeros(3), Tensor.Zeros(2)));
        Assert.Contains("[3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2]", ex.Message, StringComparison.Ordinal);
        var weights = Assert.Throws<ArgumentException>(() => BinaryCrossEntropyWithLogits(Tensor.Zeros(3), Tensor.Zeros(3), Tensor.Zeros(2, 3)));
        Assert.Contains("[2, 3]", weights.Message, StringComparison.Ordinal);
    }
}
