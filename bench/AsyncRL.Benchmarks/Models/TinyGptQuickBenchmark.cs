using AsyncRL.Models;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;

namespace AsyncRL.Benchmarks.Models;

/// <summary>
/// TinyGpt (2 layers, d = 128, 4 heads, context 64, vocabulary 32): training tokens/s (batch 8 × 64,
/// cross-entropy, AdamW) and KV-cache generation tokens/s (batch 8, 64 new tokens after a 1-token
/// prompt). Compare with bench/pytorch/tinygpt_bench.py on the same machine.
/// </summary>
public sealed class TinyGptQuickBenchmark : IQuickBenchmark
{
    private const int Batch = 8;
    private const int Context = 64;

    /// <inheritdoc/>
    public string Name => "tinygpt";

    /// <inheritdoc/>
    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var rng = new Generator(1);
        var model = new TinyGpt(new TinyGptConfig(VocabSize: 32, ContextLength: Context, Dim: 128, Layers: 2, Heads: 4), rng);
        var opt = new AdamW(model.Parameters(), 3e-4f);
        var tokens = Enumerable.Range(0, Batch * Context).Select(_ => rng.NextInt(32)).ToArray();
        var inputs = new int[Batch * (Context - 1)];
        var targets = new int[Batch * (Context - 1)];
        for (int b = 0; b < Batch; b++)
        {
            tokens.AsSpan(b * Context, Context - 1).CopyTo(inputs.AsSpan(b * (Context - 1)));
            tokens.AsSpan(b * Context + 1, Context - 1).CopyTo(targets.AsSpan(b * (Context - 1)));
        }
        var (train, _) = QuickTimer.Measure(() =>
        {
            using var scope = DisposeScope.Begin();
            var loss = Losses.CrossEntropy(model.Forward(inputs, Batch), targets);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }, budgetSeconds: 3, rounds: 5);
        output.WriteLine($"train step (8×63 tokens)   : {train * 1e3,8:F2} ms  ({inputs.Length / train,10:N0} tokens/s)");

        var cache = model.NewCache(Batch);
        var prompts = new int[Batch];
        var sampler = new Generator(2);
        var (gen, _) = QuickTimer.Measure(() =>
        {
            using var scope = DisposeScope.Begin();
            TinyGptSampling.Generate(model, prompts, Batch, Context - 1, sampler, 1f, cache);
        }, budgetSeconds: 3, rounds: 5);
        output.WriteLine($"generate 8×63 (KV cache)   : {gen * 1e3,8:F2} ms  ({Batch * (Context - 1) / gen,10:N0} tokens/s)");
    }
}
