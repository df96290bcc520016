using AsyncRL.Models;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;
using BenchmarkDotNet.Attributes;

namespace AsyncRL.Benchmarks.Models;

/// <summary>BenchmarkDotNet version of <see cref="MlpQuickBenchmark"/>: MLP 4→64→64→2 (tanh) hot paths with allocation counts.</summary>
[MemoryDiagnoser]
public class MlpBenchmarks
{
    private readonly float[] _observation = [0.01f, -0.02f, 0.03f, 0.04f];
    private Sequential _mlp = null!;
    private MlpInference _inference = null!;
    private float[] _batchIn = null!;
    private float[] _batchOut = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;
    private Adam _adam = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Generator(1);
        _mlp = Mlp.Create([4, 64, 64, 2], ActivationKind.Tanh, rng);
        _inference = new MlpInference(_mlp, maxBatch: 256);
        _batchIn = Tensor.Uniform(rng, -1, 1, 256, 4).ToArray();
        _batchOut = new float[512];
        _x = Tensor.Uniform(rng, -1, 1, 128, 4);
        _y = Tensor.Uniform(rng, -1, 1, 128, 2);
        _adam = new Adam(_mlp.Parameters(), 1e-4f);
    }

    [Benchmark]
    public float SingleObservationForward() => _inference.Forward(_observation)[0];

    [Benchmark]
    public void Batch256Forward() => _inference.Forward(_batchIn, 256, _batchOut);

    [Benchmark]
    public void TrainStepBatch128()
    {
        using var scope = DisposeScope.Begin();
        var loss = Losses.MseLoss(_mlp.Forward(_x), _y);
        _adam.ZeroGrad();
        loss.Backward();
        _adam.Step();
    }
}
