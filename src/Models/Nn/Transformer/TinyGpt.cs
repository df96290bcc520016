namespace AsyncRL.Models.Nn;

/// <summary>
/// A small causal transformer language model: token + position embeddings, N pre-LN blocks, a final
/// layer norm, an untied LM head, and optionally a scalar head (value or reward) on every position.
/// Names: <c>tok_emb</c>, <c>pos_emb</c>, <c>blocks.i.*</c>, <c>ln_f</c>, <c>lm_head</c>, <c>scalar_head</c>.
/// </summary>
public sealed class TinyGpt : Module
{
    private readonly Embedding _tokEmb;
    private readonly Embedding _posEmb;
    private readonly TransformerBlock[] _blocks;
    private readonly LayerNorm _lnF;
    private readonly Linear _lmHead;
    private readonly Linear? _scalarHead;
    private readonly int[] _positions;

    /// <summary>Builds the model from a seeded generator.</summary>
    public TinyGpt(TinyGptConfig config, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        _tokEmb = RegisterModule("tok_emb", new Embedding(config.VocabSize, config.Dim, rng, std: 0.02f));
        _posEmb = RegisterModule("pos_emb", new Embedding(config.ContextLength, config.Dim, rng, std: 0.02f));
        var blocks = RegisterModule("blocks", new BlockList());
        _blocks = [.. Enumerable.Range(0, config.Layers).Select(i => blocks.Add(i, new TransformerBlock(config.Dim, config.Heads, config.MlpRatio, config.Layers, rng)))];
        _lnF = RegisterModule("ln_f", new LayerNorm(config.Dim));
        _lmHead = RegisterModule("lm_head", new Linear(config.Dim, config.VocabSize, rng, hasBias: false));
        Init.Normal(_lmHead.Weight, rng, 0.02f);
        if (config.ScalarHead) _scalarHead = RegisterModule("scalar_head", new Linear(config.Dim, 1, rng));
        _positions = [.. Enumerable.Range(0, config.ContextLength)];
    }

    /// <summary>The model's shape.</summary>
    public TinyGptConfig Config { get; }

    /// <summary>Logits [B, T, V] for token ids laid out [B, T] (row-major).</summary>
    public Tensor Forward(ReadOnlySpan<int> tokens, int batch) => ForwardWithScalar(tokens, batch).Logits;

    /// <summary>Logits [B, T, V] and, with a scalar head, per-position scalars [B, T].</summary>
    public (Tensor Logits, Tensor? Scalars) ForwardWithScalar(ReadOnlySpan<int> tokens, int batch)
    {
        int t = SequenceLength(tokens.Length, batch, 0);
        var x = Embed(tokens, batch, t, 0);
        foreach (var block in _blocks) x = block.Forward(x);
        return Heads(x, batch, t);
    }

    /// <summary>A KV cache sized for this model.</summary>
    public KvCache NewCache(int batch, int capacity = 0) =>
        new(Config.Layers, batch, capacity <= 0 ? Config.ContextLength : Math.Min(capacity, Config.ContextLength), Config.Dim);

    /// <summary>
    /// Appends new tokens [B, Tn] to the cached prefix and returns logits for them [B, Tn, V]
    /// (inference only: run under <see cref="Autograd.NoGrad"/>).
    /// </summary>
    public Tensor ForwardCached(ReadOnlySpan<int> newTokens, KvCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        int batch = cache.Layers[0].Batch;
        int start = cache.Length;
        int t = SequenceLength(newTokens.Length, batch, start);
        var x = Embed(newTokens, batch, t, start);
        for (int i = 0; i < _blocks.Length; i++) x = _blocks[i].Forward(x, cache.Layers[i]);
        return Heads(x, batch, t).Logits;
    }

    private int SequenceLength(int tokenCount, int batch, int start)
    {
        if (batch <= 0 || tokenCount % batch != 0)
            throw new ArgumentException($"TinyGpt: {tokenCount} tokens do not split into {batch} sequences.");
        int t = tokenCount / batch;
        if (t == 0 || start + t > Config.ContextLength)
            throw new ArgumentException($"TinyGpt: positions {start}..{start + t} exceed the context length {Config.ContextLength}.");
        return t;
    }

    private Tensor Embed(ReadOnlySpan<int> tokens, int batch, int t, int start)
    {
        var tok = _tokEmb.Forward(tokens, [batch, t]);
        var pos = _posEmb.Forward(_positions.AsSpan(start, t), [t]);
        return tok + pos; // [B, T, d] + [T, d] broadcasts over the batch
    }

    private (Tensor Logits, Tensor? Scalars) Heads(Tensor x, int batch, int t)
    {
        var h = _lnF.Forward(x);
        var logits = _lmHead.Forward(h);
        var scalars = _scalarHead?.Forward(h).Reshape(batch, t);
        return (logits, scalars);
    }

    private sealed class BlockList : Module
    {
        public TransformerBlock Add(int index, TransformerBlock block) =>
            RegisterModule(index.ToString(System.Globalization.CultureInfo.InvariantCulture), block);
    }
}
