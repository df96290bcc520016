using AsyncRL.Models;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;

namespace AsyncRL.Benchmarks.Models;

/// <summary>
/// The RL hot paths of issue 2: an MLP 4→64→64→2 (tanh) on one observation and on a batch of 256,
/// and one training step (forward, MSE backward, Adam) on a batch of 128.
/// Compare with bench/pytorch/mlp_bench.py on the same machine.
/// </summary>
public sealed class MlpQuickBenchmark : IQuickBenchmark
{
    /// <inheritdoc/>
    public string Name => "mlp";

    /// <inheritdoc/>
    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var rng = new Generator(1);
        var mlp = Mlp.Create([4, 64, 64, 2], ActivationKind.Tanh, rng);
        var inference = new MlpInference(mlp, maxBatch: 256);
        float[] obs = [0.01f, -0.02f, 0.03f, 0.04f];
        float sink = 0;
        var (single, singleBytes) = QuickTimer.Measure(() => sink += inference.Forward(obs)[0]);
        output.WriteLine($"single-observation forward : {single * 1e6,8:F3} µs  ({singleBytes:F1} B/call)");

        var batchIn = Tensor.Uniform(rng, -1, 1, 256, 4).ToArray();
        var batchOut = new float[256 * 2];
        var (batch, _) = QuickTimer.Measure(() => inference.Forward(batchIn, 256, batchOut));
        output.WriteLine($"batch-256 forward          : {batch * 1e6,8:F3} µs  ({256 / batch / 1e6:F1} M obs/s)");

        var x = Tensor.Uniform(rng, -1, 1, 128, 4);
        var y = Tensor.Uniform(rng, -1, 1, 128, 2);
        var opt = new Adam(mlp.Parameters(), 1e-4f);
        var (step, stepBytes) = QuickTimer.Measure(() =>
        {
            using var scope = DisposeScope.Begin();
            var loss = Losses.MseLoss(mlp.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        });
        output.WriteLine($"train step (batch 128)     : {step * 1e6,8:F3} µs  ({stepBytes:F0} B/step)");
        output.WriteLine($"gemm backend               : {AsyncRL.Models.Backend.Gemm.BackendName}");
        GC.KeepAlive(sink);
    }
}
