using AsyncRL.Models;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;
using AsyncRL.Models.Torch;
using TorchSharp;

namespace AsyncRL.Benchmarks.Models;

/// <summary>
/// The engines benchmark's TinyGpt rows: the language policy's shape (arith: 6 prompt + 5 completion tokens,
/// vocabulary 23, 2 layers, 4 heads) at today's width and at 4×, batch 64: a training step (cross-entropy, Adam)
/// and KV-cache generation of the 5 completion tokens (tokens per second).
/// </summary>
internal static class TinyGptEngineRows
{
    private const int Batch = 64, Prompt = 6, Completion = 5, Vocab = 23;

    public static TinyGptConfig Config(int dim) => new(VocabSize: Vocab, ContextLength: Prompt + Completion, Dim: dim, Layers: 2, Heads: 4);

    /// <summary>Seconds per training step on our engine and on torch.</summary>
    public static (double Managed, double Torch) TrainStep(int dim)
    {
        var rng = new Generator(1);
        int t = Prompt + Completion;
        var tokens = Enumerable.Range(0, Batch * t).Select(_ => rng.NextInt(Vocab)).ToArray();
        var targets = tokens.Skip(1).Append(0).ToArray();

        var host = new TinyGpt(Config(dim), new Generator(2));
        var adam = new Adam(host.Parameters(), 1e-4f);
        var (managed, _) = QuickTimer.Measure(() =>
        {
            using var scope = AsyncRL.Models.DisposeScope.Begin();
            var loss = Losses.CrossEntropy(host.Forward(tokens, Batch), targets);
            adam.ZeroGrad();
            loss.Backward();
            adam.Step();
        }, budgetSeconds: 2, rounds: 5);

        var twin = new TinyGpt(Config(dim), new Generator(2));
        var model = new TorchTinyGpt(Config(dim));
        using var pair = new TorchNetwork(model, twin, torch.CPU);
        using var torchAdam = new TorchAdam(pair.Parameters, 1e-4f);
        using var ids = torch.tensor(tokens.Select(x => (long)x).ToArray(), [Batch, t]);
        using var labels = torch.tensor(targets.Select(x => (long)x).ToArray(), [Batch * t]);
        var (torchSeconds, _) = QuickTimer.Measure(() =>
        {
            using var scope = torch.NewDisposeScope();
            var loss = torch.nn.functional.cross_entropy(model.forward(ids).view(-1, Vocab), labels);
            torchAdam.ZeroGrad();
            loss.backward();
            torchAdam.Step();
        }, budgetSeconds: 2, rounds: 5);
        return (managed, torchSeconds);
    }

    /// <summary>Completion tokens per second generated with a KV cache, on our engine and on torch.</summary>
    public static (double Managed, double Torch) GenerationTokensPerSecond(int dim)
    {
        var rng = new Generator(3);
        var prompts = Enumerable.Range(0, Batch * Prompt).Select(_ => rng.NextInt(Vocab)).ToArray();
        var host = new TinyGpt(Config(dim), new Generator(2));
        var cache = host.NewCache(Batch);
        var sampler = new Generator(4);
        var (managed, _) = QuickTimer.Measure(() =>
        {
            using var scope = AsyncRL.Models.DisposeScope.Begin();
            TinyGptSampling.Generate(host, prompts, Batch, Completion, sampler, 0.7f, cache);
        }, budgetSeconds: 2, rounds: 5);

        var model = new TorchTinyGpt(Config(dim));
        using var pair = new TorchNetwork(model, new TinyGpt(Config(dim), new Generator(2)), torch.CPU);
        using var promptIds = torch.tensor(prompts.Select(x => (long)x).ToArray(), [Batch, Prompt]);
        var (torchSeconds, _) = QuickTimer.Measure(() =>
        {
            using var _ = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            using var kv = model.NewCache();
            var logits = model.Forward(promptIds, kv);
            for (int i = 0; i < Completion; i++)
            {
                var last = logits.select(1, -1) / 0.7f;
                var next = torch.multinomial(last.softmax(-1), 1); // [B, 1]
                logits = model.Forward(next, kv);
            }
        }, budgetSeconds: 2, rounds: 5);
        double tokens = Batch * Completion;
        return (tokens / managed, tokens / torchSeconds);
    }
}
