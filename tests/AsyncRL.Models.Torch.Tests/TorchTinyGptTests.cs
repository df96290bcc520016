using AsyncRL.Models.Nn;
using static TorchSharp.torch;
using HostTensor = AsyncRL.Models.Tensor;

namespace AsyncRL.Models.Torch.Tests;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>TinyGpt on libtorch against ours with the same weights: logits, gradients and KV-cache decoding.</summary>
public sealed class TorchTinyGptTests
{
    private static readonly TinyGptConfig Config = new(VocabSize: 11, ContextLength: 8, Dim: 16, Layers: 2, Heads: 4);
    private static readonly int[] Tokens = [1, 5, 3, 9, 0, 2, 7, 4, 10, 6, 8, 1];

    private static (TinyGpt Host, TorchTinyGpt Torch, TorchNetwork Pair) Models()
    {
        var host = new TinyGpt(Config, new Generator(4));
        var torch = new TorchTinyGpt(Config);
        return (host, torch, new TorchNetwork(torch, host, TorchRuntime.Resolve("cpu")));
    }

    private static Tensor Ids(int[] tokens, int batch) => tensor(tokens.Select(t => (long)t).ToArray(), [batch, tokens.Length / batch]);

    [Fact]
    public void Forward_SameWeights_LogitsMatchOurEngine()
    {
        var (host, torch, pair) = Models();
        using var scope = NewDisposeScope();

        var expected = host.Forward(Tokens, batch: 2).Data.ToArray();
        var actual = torch.forward(Ids(Tokens, 2)).data<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
        pair.Dispose();
    }

    [Fact]
    public void Backward_CrossEntropy_GradientsMatchOurEngine()
    {
        var (host, torch, pair) = Models();
        int[] targets = [.. Tokens.Skip(1), 0];
        using var scope = NewDisposeScope();

        using (DisposeScope.Begin()) Losses.CrossEntropy(host.Forward(Tokens, 2), targets).Backward();
        var logits = torch.forward(Ids(Tokens, 2));
        nn.functional.cross_entropy(logits.view(-1, Config.VocabSize), tensor(targets.Select(t => (long)t).ToArray())).backward();

        var hostGrads = host.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Grad!.Data.ToArray());
        foreach (var (name, p) in torch.named_parameters())
        {
            var g = p.grad!.data<float>().ToArray();
            for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs(hostGrads[name][i] - g[i]) <= 1e-4 + 1e-3 * Math.Abs(g[i]), $"{name}[{i}]: ours {hostGrads[name][i]}, torch {g[i]}");
        }
        pair.Dispose();
    }

    [Fact]
    public void ForwardCached_TokenByToken_MatchesTheFullForward()
    {
        var (_, torch, pair) = Models();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var full = torch.forward(Ids(Tokens, 2));
        using var cache = torch.NewCache();

        var prompt = torch.Forward(Ids(Tokens, 2).narrow(1, 0, 3), cache);
        for (int t = 3; t < 6; t++)
        {
            var step = torch.Forward(Ids(Tokens, 2).narrow(1, t, 1), cache);
            var expected = full.select(1, t).data<float>().ToArray();
            var actual = step.select(1, 0).data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
        }
        Assert.Equal(6, cache.Length);
        var head = full.narrow(1, 0, 3).data<float>().ToArray();
        var cached = prompt.data<float>().ToArray();
        for (int i = 0; i < head.Length; i++) Assert.Equal(head[i], cached[i], 5);
        pair.Dispose();
    }
}
