using AsyncRL.Algorithms.Dpo;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.PpoLm;
using AsyncRL.Algorithms.Rloo;
using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Tests.Language;

public sealed class ObjectiveMathTests
{
    [Fact]
    public void DpoLoss_MatchesTheHandComputedGoldenValueAndGradient()
    {
        // Pair 1: h = (−1 − −1.5) − (−2 − −1) = 1.5; pair 2: h = (−3 − −2) − (−1 − −2) = −2; β = 0.5.
        var dpo = DpoLoss.Compute([-1f, -3f], [-2f, -1f], [-1.5f, -2f], [-1f, -2f], beta: 0.5f);

        Assert.Equal([0.75f, -1f], dpo.Margins);
        Assert.Equal((0.386870 + 1.313262) / 2, dpo.Loss, 5); // (log(1 + e^−0.75) + log(1 + e^1)) / 2
        // ∂L/∂log π(y_w) = −β·σ(−βh)/n; the rejected side gets the opposite.
        Assert.Equal(-0.5 * 0.320821 / 2, dpo.ChosenGradient[0], 5);
        Assert.Equal(-0.5 * 0.731059 / 2, dpo.ChosenGradient[1], 5);
        Assert.Equal(0.5 * 0.320821 / 2, dpo.RejectedGradient[0], 5);
        Assert.Equal(0.5 * 0.731059 / 2, dpo.RejectedGradient[1], 5);
    }

    [Fact]
    public void DpoLoss_ZeroWeightPairs_DoNotCount()
    {
        var dpo = DpoLoss.Compute([-1f, -3f], [-2f, -1f], [-1.5f, -2f], [-1f, -2f], 0.5f, weights: [1f, 0f]);
        Assert.Equal(0.386870, dpo.Loss, 5);
        Assert.Equal(0f, dpo.ChosenGradient[1]);
    }

    [Fact]
    public void HostGradients_OfEveryObjective_MatchFiniteDifferencesOfTheHostLoss()
    {
        var rng = new Generator(9);
        float[] Random(int n, float lo, float hi) => [.. Enumerable.Range(0, n).Select(_ => rng.NextUniform(lo, hi))];
        float[] mask = [1, 1, 1, 0, 1, 1, 0, 0];
        var behaviour = Random(8, -2f, -0.1f);
        var advantages = Random(8, -1f, 1f);
        var reference = Random(4, -6f, -1f);
        var returns = Random(8, -1f, 1f);
        // Log-probabilities near μ (ratios inside the clip, where the surrogate is smooth) and sequence sums for DPO.
        var near = behaviour.Select((b, i) => b + 0.05f * (i % 3 - 1)).ToArray();
        CheckGradient(near, x => ClippedSurrogate.Compute(x, behaviour, advantages, mask, 0.2f).Loss, ClippedSurrogate.Compute(near, behaviour, advantages, mask, 0.2f).Gradient);
        CheckGradient(returns.Select(r => r + 0.3f).ToArray(), x => PpoLmObjective.ValueLoss(x, returns, mask).Loss, PpoLmObjective.ValueLoss(returns.Select(r => r + 0.3f).ToArray(), returns, mask).Gradient);
        CheckGradient(behaviour, x => SftTrainer.CrossEntropy(x, mask).Loss, SftTrainer.CrossEntropy(behaviour, mask).Gradient);
        var sequences = Random(4, -6f, -1f);
        CheckGradient(sequences, x => DpoLoss.Compute(x.AsSpan(0, 2), x.AsSpan(2), reference.AsSpan(0, 2), reference.AsSpan(2), 0.3f).Loss,
            [.. DpoLoss.Compute(sequences.AsSpan(0, 2), sequences.AsSpan(2), reference.AsSpan(0, 2), reference.AsSpan(2), 0.3f) is var d ? d.ChosenGradient.Concat(d.RejectedGradient) : []]);
        CheckGradient(sequences, x => BradleyTerry.Loss(x.AsSpan(0, 2), x.AsSpan(2)).Loss,
            [.. BradleyTerry.Loss(sequences.AsSpan(0, 2), sequences.AsSpan(2)) is var b ? b.ChosenGradient.Concat(b.RejectedGradient) : []]);
    }

    private static void CheckGradient(float[] at, Func<float[], double> loss, float[] analytic)
    {
        const float H = 1e-3f;
        for (int i = 0; i < at.Length; i++)
        {
            var up = at.ToArray();
            var down = at.ToArray();
            up[i] += H;
            down[i] -= H;
            double numeric = (loss(up) - loss(down)) / ((double)up[i] - down[i]);
            Assert.True(Math.Abs(analytic[i] - numeric) <= 1e-4 + 1e-3 * Math.Abs(numeric), $"[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void DpoObjective_GradientThroughThePolicy_MatchesFiniteDifferences()
    {
        // The host gradient ∂L/∂log π, backpropagated as the engines do (the surrogate Σ g·log π), against finite
        // differences of the host loss through the network.
        var task = new ArithTask(1);
        var policy = new TinyGpt(new LanguageModelOptions(Dim: 32, Heads: 2).ConfigFor(task), new Generator(3));
        var reference = new TinyGpt(policy.Config, new Generator(4));
        var generator = new BatchGenerator(task, reference, 8, 2, 1f, new Generator(5));
        var batch = generator.Next(0).Select([0, 2, 4, 6, 1, 3, 5, 7]); // chosen rows, then rejected rows
        var c = batch.Completions;
        var refLogProbs = SequenceLogProbs.Evaluate(reference, batch.Prompts, task.PromptLength, c.Tokens, c.Lengths, 0.7f);
        var objective = new DpoObjective(0.3f);
        var mask = Completions.Mask(c.Lengths, c.Length);
        ObjectiveGradient Loss() => objective.Loss(new ObjectiveInputs(batch, new float[8], refLogProbs,
            SequenceLogProbs.Evaluate(policy, batch.Prompts, task.PromptLength, c.Tokens, c.Lengths, 0.7f), null, mask));
        policy.ZeroGrad();
        using (DisposeScope.Begin())
        {
            var (logProbs, _) = SequenceLogProbs.Forward(policy, batch.Prompts, task.PromptLength, c.Tokens, c.Lengths, 0.7f);
            (logProbs * Tensor.FromArray(Loss().LogProbGradient, logProbs.Shape)).Sum().Backward();
        }
        var named = policy.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, index) in new[] { ("lm_head.weight", 40), ("blocks.0.attn.qkv.weight", 100), ("ln_f.weight", 7) })
        {
            var p = named[name];
            float analytic = p.Grad!.Data[index];
            float saved = p.Data[index];
            const float H = 1e-2f;
            p.Data[index] = saved + H;
            double up = Loss().Loss;
            p.Data[index] = saved - H;
            double down = Loss().Loss;
            p.Data[index] = saved;
            double numeric = (up - down) / (2 * H);
            Assert.True(Math.Abs(analytic - numeric) <= 1e-3 + 0.05 * Math.Abs(numeric), $"{name}[{index}]: analytic {analytic}, numeric {numeric}");
        }
    }

    [Fact]
    public void DpoPairs_TakeTheBestAndWorstOfEachGroup_AndSkipTies()
    {
        var (chosen, rejected) = DpoObjective.Pairs([0f, 1f, 1f, 1f, -1f, 0.5f, 2f, 0f], k: 4);
        Assert.Equal([1, 6], chosen);   // group 0: best is the first of the 1s; group 1: 2
        Assert.Equal([0, 4], rejected);
        var (tiedChosen, _) = DpoObjective.Pairs([1f, 1f, 0f, 1f], k: 2);
        Assert.Equal([3], tiedChosen); // the first group is a tie and teaches nothing
    }

    [Fact]
    public void RlooAdvantages_LeaveOneOut_AsComputedByHand()
    {
        Assert.Equal([1f, -1f, -1.5f, 1.5f], RlooAdvantages.Compute([1f, 0f, 0.5f, 2f], k: 2));
        var four = RlooAdvantages.Compute([1f, 2f, 3f, 6f], k: 4);
        float[] expected = [1 - 11f / 3, 2 - 10f / 3, 0f, 4f]; // R_i minus the mean of the other three
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], four[i], 5);
        Assert.Equal(0f, four.Sum(), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => RlooAdvantages.Compute([1f], k: 1));
    }

    [Fact]
    public void RlooPenalisedRewards_SubtractBetaTimesTheSequenceLogRatio()
    {
        float[] behaviour = [-1f, -0.5f, -2f, -9f, -0.2f, -0.3f, 0f, 0f];
        float[] reference = [-1.5f, -0.5f, -1f, -1f, -0.4f, -0.2f, 0f, 0f];
        var r = RlooAdvantages.PenalisedRewards([1f, 2f], behaviour, reference, [3, 2], beta: 0.1f);
        Assert.Equal(1f - 0.1f * (0.5f + 0f - 1f), r[0], 5); // the 4th token is past the end
        Assert.Equal(2f - 0.1f * (0.2f - 0.1f), r[1], 5);
    }

    [Fact]
    public void KlPenalisedRewards_PutTheScoreOnTheLastToken()
    {
        float[] behaviour = [-1f, -0.5f, -2f, -0.2f, -0.3f, -4f];
        float[] reference = [-1.5f, -0.5f, -1f, -0.4f, -0.2f, -1f];
        var r = KlPenalisedRewards.Compute([1f, -1f], behaviour, reference, [3, 2], beta: 0.2f);
        float[] expected = [-0.2f * 0.5f, 0f, -0.2f * -1f + 1f, -0.2f * 0.2f, -0.2f * -0.1f - 1f, 0f];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], r[i], 5);
    }

    [Fact]
    public void SequenceGae_MatchesTheExplicitSumOfDiscountedTdErrors()
    {
        var rng = new Generator(3);
        int rows = 3, tc = 5;
        int[] lengths = [5, 2, 1];
        var rewards = Enumerable.Range(0, rows * tc).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var values = Enumerable.Range(0, rows * tc).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        const float Gamma = 0.9f, Lambda = 0.8f;
        var (adv, ret) = SequenceGae.Compute(rewards, values, lengths, Gamma, Lambda);
        for (int r = 0; r < rows; r++)
            for (int t = 0; t < tc; t++)
            {
                int i = r * tc + t;
                if (t >= lengths[r]) { Assert.Equal(0f, adv[i]); continue; }
                // A_t = Σ_l (γλ)^l δ_{t+l}, δ_s = r_s + γ V_{s+1} − V_s with V = 0 past the end.
                double expected = 0;
                for (int s = t; s < lengths[r]; s++)
                {
                    double next = s + 1 < lengths[r] ? values[r * tc + s + 1] : 0;
                    expected += Math.Pow(Gamma * Lambda, s - t) * (rewards[r * tc + s] + Gamma * next - values[r * tc + s]);
                }
                Assert.Equal(expected, adv[i], 4);
                Assert.Equal(expected + values[i], ret[i], 4);
            }
    }

    [Fact]
    public void ClippedSurrogate_ClipsTheRatioOnTheSideTheAdvantageFavours()
    {
        // Ratios e^0.5 ≈ 1.65 (clipped to 1.2 for A > 0) and e^−0.5 ≈ 0.61 (for A > 0 min keeps 0.61); a masked token.
        var result = ClippedSurrogate.Compute([0.5f, -0.5f, 0f, 9f], [0f, 0f, 0f, 0f], [1f, 1f, -2f, 5f], [1f, 1f, 1f, 0f], clip: 0.2f);
        double expected = -(1.2 + Math.Exp(-0.5) - 2) / 3;
        Assert.Equal(expected, result.Loss, 5);
        Assert.Equal(2 / 3.0, result.ClipFraction, 6);
        Assert.Equal(0f, result.Gradient[0]);                        // clipped: no gradient
        Assert.Equal(-Math.Exp(-0.5) / 3, result.Gradient[1], 5);    // unclipped: −ρA/n
        Assert.Equal(2.0 / 3, result.Gradient[2], 5);
        Assert.Equal(0f, result.Gradient[3]);                         // past the end
    }
}
