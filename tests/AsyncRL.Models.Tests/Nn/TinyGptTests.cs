using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;

namespace AsyncRL.Models.Tests.Nn;

public sealed class TinyGptTests
{
    private static readonly TinyGptConfig Small = new(VocabSize: 16, ContextLength: 12, Dim: 32, Layers: 2, Heads: 4);

    [Fact]
    public void NamedParameters_UseGoldenNames()
    {
        var names = new TinyGpt(Small with { ScalarHead = true }, new Generator(1)).NamedParameters().Select(p => p.Key).ToHashSet();
        Assert.Contains("tok_emb.weight", names);
        Assert.Contains("blocks.1.attn.qkv.weight", names);
        Assert.Contains("blocks.0.mlp.proj.bias", names);
        Assert.Contains("ln_f.weight", names);
        Assert.Contains("lm_head.weight", names);
        Assert.Contains("scalar_head.weight", names);
        Assert.DoesNotContain("lm_head.bias", names);
    }

    [Fact]
    public void ForwardCached_PrefillThenDecode_EqualsFullForward()
    {
        var model = new TinyGpt(Small, new Generator(2));
        int[] tokens = [1, 5, 7, 2, 9, 3, 3, 8, 0, 4, 11, 6, 2, 2, 15, 1];
        var full = model.Forward(tokens, batch: 2);
        using var _ = Autograd.NoGrad();
        var cache = model.NewCache(batch: 2);
        var prefill = model.ForwardCached([1, 5, 7, 2, 9, 0, 4, 11, 6, 2], cache);
        var step6 = model.ForwardCached([3, 2], cache);
        for (int v = 0; v < 16; v++)
        {
            Assert.Equal(full[0, 4, v], prefill[0, 4, v], 4);
            Assert.Equal(full[1, 4, v], prefill[1, 4, v], 4);
            Assert.Equal(full[0, 5, v], step6[0, 0, v], 4);
            Assert.Equal(full[1, 5, v], step6[1, 0, v], 4);
        }
    }

    [Fact]
    public void Forward_TooLongOrBadTokens_ThrowsClearly()
    {
        var model = new TinyGpt(Small, new Generator(3));
        var tooLong = Assert.Throws<ArgumentException>(() => model.Forward(new int[13], 1));
        Assert.Contains("context length 12", tooLong.Message, StringComparison.Ordinal);
        var badId = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward([1, 16], 1));
        Assert.Contains("index 16", badId.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new TinyGpt(Small with { Heads = 3 }, new Generator(1)));
    }

    [Fact]
    public void Training_MemorisesSequences_AndGreedyGenerationReproducesThem()
    {
        // The continuation after the shared "2, 3, 4" depends only on the first token, so the model
        // must attend three positions back, not just read the last token.
        int[][] sequences =
        [
            [1, 2, 3, 4, 5, 6, 7, 8],
            [9, 2, 3, 4, 10, 11, 12, 13],
            [14, 2, 3, 4, 15, 14, 13, 12],
            [11, 2, 3, 4, 8, 7, 6, 5],
        ];
        var rng = new Generator(4);
        var model = new TinyGpt(Small, rng);
        var opt = new AdamW(model.Parameters(), 3e-3f, weightDecay: 0f);
        var inputs = sequences.SelectMany(s => s[..^1]).ToArray();
        var targets = sequences.SelectMany(s => s[1..]).ToArray();
        float loss = float.NaN;
        for (int step = 0; step < 300 && !(loss < 0.02f); step++)
        {
            using var scope = DisposeScope.Begin();
            var l = Losses.CrossEntropy(model.Forward(inputs, batch: 4), targets);
            opt.ZeroGrad();
            l.Backward();
            GradClip.ClipGradNorm(model.Parameters(), 1f);
            opt.Step();
            loss = l.Item();
        }
        Assert.True(loss < 0.05f, $"final loss {loss}");

        var prompts = sequences.SelectMany(s => s[..4]).ToArray();
        var (generated, logProbs) = TinyGptSampling.Generate(model, prompts, batch: 4, newTokens: 4, new Generator(5), temperature: 0f);
        for (int b = 0; b < 4; b++)
            Assert.Equal(sequences[b][4..], generated[(b * 4)..(b * 4 + 4)]);
        Assert.All(logProbs, lp => Assert.True(lp > -0.2f, $"log-prob {lp}"));
    }

    [Fact]
    public void Generate_SameSeed_SameTokens()
    {
        var model = new TinyGpt(Small, new Generator(6));
        var a = TinyGptSampling.Generate(model, [1, 2, 3], 1, 6, new Generator(9)).Tokens;
        var b = TinyGptSampling.Generate(model, [1, 2, 3], 1, 6, new Generator(9)).Tokens;
        Assert.Equal(a, b);
    }
}
