using AsyncRL.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace AsyncRL.Models.Torch.Tests;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// The Scalar-safe arithmetic: the same kernels and bits as TorchSharp's operators, and a loop of them that survives a
/// thread forcing collections and finalizers (the same loop with TorchSharp's own <c>+</c>, <c>square()</c> and float
/// arguments fails within seconds there, "Unknown scalar type.").
/// </summary>
[Collection(TorchScalarsCollection.Name)]
public sealed class TorchScalarsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static Tensor Random(long seed, params long[] shape)
    {
        using var generator = new torch.Generator((ulong)seed);
        return randn(shape, generator: generator);
    }

    private static void AssertSameBits(Tensor expected, Tensor actual)
    {
        using var e = expected.contiguous();
        using var a = actual.contiguous();
        Assert.Equal(e.shape, a.shape);
        Assert.Equal(e.data<float>().ToArray(), a.data<float>().ToArray());
    }

    [Fact]
    public void PlusSquaredPlusInPlace_SameBitsAsTorchSharpOperators()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var a = Random(1, 7, 5);
        var b = Random(2, 7, 5);
        using Scalar eps = 1e-5f;

        AssertSameBits(a + b, a.Plus(b));
        AssertSameBits(a.square(), a.Squared());
        AssertSameBits(a.clone().add_(eps), a.clone().PlusInPlace(eps));
    }

    [Fact]
    public async Task HeldScalars_TightLoopWhileFinalizersRun_SameResultNothingFinalized()
    {
        TorchRuntime.EnsureLoaded();
        const int threads = 3, iterations = 6000;
        float[] Loop()
        {
            using var x = ones(64);
            using var y = ones(64);
            using Scalar decay = 0.999f, low = -2f, high = 2f, half = 0.5f;
            for (int i = 0; i < iterations; i++)
            {
                using var scope = NewDisposeScope();
                x.mul_(decay);
                x.copy_(x.clamp(low, high).mul(half).Squared().Plus(y));
            }
            return x.data<float>().ToArray();
        }
        var calm = Loop();

        using var finalizations = new TorchFinalizations();
        finalizations.Flush();
        finalizations.Clear();
        float[][] stressed;
        using (var hammer = GcHammer.Start())
        {
            stressed = await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))).WaitAsync(Timeout);
            Assert.True(hammer.Collections > 1, "the GC thread forced no collection during the loops");
        }
        finalizations.Flush();

        Assert.All(calm, v => Assert.True(float.IsFinite(v)));
        Assert.All(stressed, s => Assert.Equal(calm, s));
        Assert.Empty(finalizations.Counts);
    }
}

/// <summary>The loop under forced collections runs alone: its collections would slow every test beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchScalarsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "torch scalars under forced collections, alone";
}
