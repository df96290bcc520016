using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;
using static TorchSharp.torch;
using HostTensor = AsyncRL.Models.Tensor;

namespace AsyncRL.Models.Torch.Tests;

/// <summary>Adam on torch tensors against our engine's Adam, and their interchangeable state.</summary>
public sealed class TorchAdamTests
{
    private static readonly float[] Input = [0.5f, -1.2f, 0.3f, 2.0f, -0.7f, 0.1f];

    [Fact]
    public void Step_ThreeSteps_SameParametersAsManagedAdam()
    {
        var host = Mlp.Create([3, 4, 2], ActivationKind.Tanh, new Generator(3));
        var twin = Mlp.Create([3, 4, 2], ActivationKind.Tanh, new Generator(3));
        using var net = new TorchNetwork(TorchMlp.Create([3, 4, 2], ActivationKind.Tanh), twin, TorchRuntime.Resolve("cpu"));
        var managed = new Adam(host.Parameters(), learningRate: 0.05f, eps: 1e-5f);
        using var adam = new TorchAdam(net.Parameters, learningRate: 0.05f, eps: 1e-5f);

        for (int step = 0; step < 3; step++)
        {
            using (DisposeScope.Begin())
            {
                managed.ZeroGrad();
                var y = host.Forward(new HostTensor((float[])Input.Clone(), 2, 3));
                (y * y).Sum().Backward();
                managed.Step();
            }
            using var scope = NewDisposeScope();
            adam.ZeroGrad();
            net.Forward(tensor(Input, [2, 3])).square().sum().backward();
            adam.Step();
        }

        net.PushToHost();
        var expected = host.NamedParameters().ToList();
        var actual = twin.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, p) in expected)
            for (int i = 0; i < p.Size; i++) Assert.Equal(p.Data[i], actual[name].Data[i], 4);
    }

    [Fact]
    public void LoadStateDict_FromManagedAdam_ResumesWithItsMoments()
    {
        var host = Mlp.Create([3, 4, 2], ActivationKind.Tanh, new Generator(3));
        var managed = new Adam(host.Parameters(), learningRate: 0.01f);
        using (DisposeScope.Begin())
        {
            var y = host.Forward(new HostTensor((float[])Input.Clone(), 2, 3));
            (y * y).Sum().Backward();
            managed.Step();
        }
        using var net = new TorchNetwork(TorchMlp.Create([3, 4, 2], ActivationKind.Tanh), host, TorchRuntime.Resolve("cpu"));
        using var adam = new TorchAdam(net.Parameters, learningRate: 1f);

        adam.LoadStateDict(managed.StateDict());

        var back = adam.StateDict();
        Assert.Equal(1, adam.StepCount);
        Assert.Equal(0.01f, adam.LearningRate);
        foreach (var (key, t) in managed.StateDict()) Assert.Equal(t.Data.ToArray(), back[key].Data.ToArray());
    }

    [Fact]
    public void LoadStateDict_WrongMomentShape_ThrowsNamingTheTensor()
    {
        var host = Mlp.Create([3, 4, 2], ActivationKind.Tanh, new Generator(3));
        using var net = new TorchNetwork(TorchMlp.Create([3, 4, 2], ActivationKind.Tanh), host, TorchRuntime.Resolve("cpu"));
        using var adam = new TorchAdam(net.Parameters, learningRate: 1f);
        var state = new Dictionary<string, HostTensor> { ["step"] = HostTensor.FromArray([1f]), ["exp_avg.0"] = HostTensor.Zeros(2, 2) };

        var ex = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(state));
        Assert.Contains("exp_avg.0", ex.Message, StringComparison.Ordinal);
    }
}
