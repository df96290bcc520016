using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// Batched autoregressive sampling from a TinyGpt with its KV cache: the prompts are decoded in one pass, then one
/// token per step for every row until each has emitted EOS or reached the length limit.
/// </summary>
/// <remarks>
/// The recorded log-probabilities are those of the distribution actually sampled, softmax(logits / T): the
/// learner computes π_θ and π_ref at the same temperature, so the importance ratio π_θ/μ compares like with like
/// (as TRL and the asynchronous-RLHF code do). Greedy decoding (T = 0) records log-probabilities at T = 1.
/// </remarks>
public sealed class CompletionSampler
{
    private readonly TinyGpt _model;
    private KvCache? _cache;
    private float[] _scratch = [];

    /// <summary>A sampler over <paramref name="model"/> (its weights may change between calls).</summary>
    public CompletionSampler(TinyGpt model) => _model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>
    /// Completes each of <paramref name="rows"/> prompts ([rows, Tp] ids) with at most <paramref name="length"/>
    /// tokens sampled at <paramref name="temperature"/> (0: greedy). With <paramref name="stopAtEos"/> false every row
    /// gets exactly <paramref name="length"/> tokens, EOS or not (fixed work, for benchmarks).
    /// </summary>
    public Completions Generate(ReadOnlySpan<int> prompts, int rows, int length, float temperature, Generator rng, bool stopAtEos = true)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (temperature < 0 || !float.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be ≥ 0, got {temperature}.");
        if (prompts.Length % rows != 0) throw new ArgumentException($"{prompts.Length} prompt tokens do not split into {rows} rows.", nameof(prompts));
        int vocab = _model.Config.VocabSize;
        if (_cache is null || _cache.Layers[0].Batch != rows) _cache = _model.NewCache(rows);
        _cache.Reset();
        if (_scratch.Length < vocab) _scratch = new float[vocab];

        var tokens = new int[rows * length];
        var lengths = new int[rows];
        var logProbs = new float[rows * length];
        var next = new int[rows];
        var done = new bool[rows];
        int open = rows;
        float inverseT = temperature > 0 ? 1f / temperature : 1f;
        using var _ = Autograd.NoGrad();
        for (int step = 0; step < length && open > 0; step++)
        {
            using var scope = DisposeScope.Begin();
            var logits = step == 0 ? _model.ForwardCached(prompts, _cache) : _model.ForwardCached(next, _cache);
            int t = logits.Dim(1);
            for (int r = 0; r < rows; r++)
            {
                if (done[r]) { next[r] = Vocabulary.Pad; continue; }
                var row = logits.Data.Slice((r * t + t - 1) * vocab, vocab);
                var (id, logProb) = Draw(row, inverseT, temperature == 0, rng, _scratch.AsSpan(0, vocab));
                tokens[r * length + step] = id;
                logProbs[r * length + step] = logProb;
                lengths[r] = step + 1;
                next[r] = id;
                if (id == Vocabulary.Eos && stopAtEos) { done[r] = true; open--; }
            }
        }
        return new Completions(rows, length, tokens, lengths, logProbs);
    }

    /// <summary>Draws from softmax(logits · 1/T) (or takes the arg-max) and returns the id with its log-probability.</summary>
    internal static (int Id, float LogProb) Draw(ReadOnlySpan<float> logits, float inverseT, bool greedy, Generator rng, Span<float> scratch)
    {
        var z = scratch[..logits.Length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(logits, inverseT, z);
        System.Numerics.Tensors.TensorPrimitives.Subtract(z, System.Numerics.Tensors.TensorPrimitives.Max(z), z);
        float sum = 0;
        foreach (float v in z) sum += MathF.Exp(v);
        int id = z.Length - 1; // rounding may leave a sliver of mass past the last bin
        if (greedy)
        {
            id = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(z);
        }
        else
        {
            float u = rng.NextFloat() * sum;
            for (int i = 0; i < z.Length; i++)
            {
                u -= MathF.Exp(z[i]);
                if (u < 0) { id = i; break; }
            }
        }
        return (id, z[id] - MathF.Log(sum));
    }
}
