using AsyncRL.Models.Nn;
using TorchSharp;
using static TorchSharp.torch;
using HostTensor = AsyncRL.Models.Tensor;

namespace AsyncRL.Models.Torch.Tests;

/// <summary>The patched libtorch loads, and a torch MLP computes what our engine computes, gradients included.</summary>
public sealed class TorchLinearTests
{
    private static readonly float[] Input = [0.5f, -1.2f, 0.3f, 2.0f, -0.7f, 0.1f];

    private static (Sequential Host, TorchNetwork Torch) Pair(ActivationKind activation = ActivationKind.Tanh)
    {
        var host = Mlp.Create([3, 5, 2], activation, new Generator(7));
        return (host, new TorchNetwork(TorchMlp.Create([3, 5, 2], activation), host, TorchRuntime.Resolve("cpu")));
    }

    [Fact]
    public void Forward_SameWeights_MatchesOurEngine()
    {
        var (host, net) = Pair();
        using var scope = NewDisposeScope();

        var expected = host.Forward(new HostTensor((float[])Input.Clone(), 2, 3)).Data.ToArray();
        var actual = net.Forward(tensor(Input, [2, 3])).data<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void Backward_SumOfSquares_GradientsMatchOurEngine()
    {
        var (host, net) = Pair(ActivationKind.Relu);
        using var scope = NewDisposeScope();

        var hostOut = host.Forward(new HostTensor((float[])Input.Clone(), 2, 3));
        (hostOut * hostOut).Sum().Backward();
        var torchOut = net.Forward(tensor(Input, [2, 3]));
        torchOut.square().sum().backward();

        var hostGrads = host.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Grad!.Data.ToArray());
        foreach (var (name, p) in net.Module.named_parameters())
        {
            var g = p.grad!.data<float>().ToArray();
            for (int i = 0; i < g.Length; i++) Assert.Equal(hostGrads[name][i], g[i], 4);
        }
    }

    [Fact]
    public void Backward_TanhMlp_MatchesCentralFiniteDifferences()
    {
        var (_, net) = Pair();
        using var scope = NewDisposeScope();
        var x = tensor(Input, [2, 3]);
        net.Forward(x).square().sum().backward();
        var weight = net.Parameters[0];
        var analytic = weight.grad!.data<float>().ToArray();

        const float h = 1e-2f;
        using var _ = no_grad();
        for (int i = 0; i < analytic.Length; i += 3)
        {
            float at = weight.view(-1)[i].item<float>();
            weight.view(-1)[i] = tensor(at + h);
            double plus = net.Forward(x).square().sum().item<float>();
            weight.view(-1)[i] = tensor(at - h);
            double minus = net.Forward(x).square().sum().item<float>();
            weight.view(-1)[i] = tensor(at);
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-2 * Math.Max(1, Math.Abs(numeric)), $"weight[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void PushToHost_AfterATorchStep_HostSeesTheNewWeights()
    {
        var (host, net) = Pair();
        using (no_grad()) net.Parameters[1].add_(1f);

        net.PushToHost();

        var bias = host.NamedParameters().Single(p => p.Key == "0.bias").Value.Data.ToArray();
        Assert.Equal(net.Parameters[1].data<float>().ToArray(), bias);
    }

    [Fact]
    public void Resolve_UnknownDevice_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => TorchRuntime.Resolve("tpu"));
        Assert.Contains("'tpu'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_CudaWithoutCuda_NamesTheMissingPackage()
    {
        TorchRuntime.EnsureLoaded();
        if (cuda.is_available()) return; // a CUDA libtorch: nothing is missing
        var ex = Assert.Throws<InvalidOperationException>(() => TorchRuntime.Resolve("cuda"));
        Assert.Contains("TorchSharp-cuda", ex.Message, StringComparison.Ordinal);
    }
}
