using static AsyncRL.Models.Tests.Support.GradCheck;

namespace AsyncRL.Models.Tests.Ops;

public sealed class ScopedGraphTests
{
    // A PPO-style policy loss plus a DPO-style term touching most new ops; tensors saved for backward
    // (softmax outputs, log-sum-exps, indices, views) must stay valid until the scope ends.
    private static Tensor Loss(Tensor w, Tensor obs)
    {
        int[] actions = [2, 0, 1, 2];
        var logits = obs.MatMul(w);                                   // [4, 3]
        var logProbs = logits.LogSoftmax().Gather(actions);           // [4]
        var advantages = Tensor.FromArray([1f, -0.5f, 0.25f, 2f]);
        var behaviourLogProbs = Tensor.FromArray([-1f, -1.2f, -0.9f, -1.1f]);
        var ratio = (logProbs - behaviourLogProbs).Exp();
        var clipped = ratio.Clamp(0.8f, 1.2f);
        var policy = (ratio * advantages).Minimum(clipped * advantages).Mean().Neg();
        var entropy = (logits.Softmax() * logits.LogSoftmax()).Sum(-1).Mean();
        var halves = Tensor.Concat([logits.Slice(0, 0, 2), logits.Slice(0, 2, 2)], 1);      // [2, 6]
        var preference = Models.Losses.LogSigmoid(halves.Max(1) - halves.LogSumExp(1)).Mean().Neg();
        var ce = Models.Losses.CrossEntropy(logits.Transpose(0, 1).Transpose(0, 1).Gelu(), actions);
        return policy + entropy * 0.01f + preference + ce;
    }

    [Fact]
    public void TrainingStep_InsideDisposeScope_MatchesUnscopedGradients()
    {
        var obs = Rand(1, -1, 1, 4, 5);
        var w = Rand(2, -1, 1, 5, 3).RequiresGrad_();
        Loss(w, obs).Backward();
        var expected = w.Grad!.ToArray();

        w.ZeroGrad();
        float loss;
        using (DisposeScope.Begin())
        {
            var l = Loss(w, obs);
            l.Backward();
            loss = l.Item();
        }
        Assert.True(float.IsFinite(loss));
        Assert.Equal(expected, w.Grad!.ToArray());
    }

    [Fact]
    public void TrainingStep_MatchesFiniteDifferences()
    {
        Check(t => Loss(t[0], t[1]), [Rand(3, -1, 1, 5, 3), Rand(4, -1, 1, 4, 5)], eps: 1e-3f);
    }
}
