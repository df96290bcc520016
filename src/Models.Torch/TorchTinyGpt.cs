using TinyGptConfig = AsyncRL.Models.Nn.TinyGptConfig;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsyncRL.Models.Torch;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using Tensor = TorchSharp.torch.Tensor;
using Embedding = TorchSharp.Modules.Embedding;
using LayerNorm = TorchSharp.Modules.LayerNorm;
using Linear = TorchSharp.Modules.Linear;

/// <summary>
/// <see cref="Nn.TinyGpt"/> on libtorch with the same parameter names (<c>tok_emb</c>, <c>blocks.i.attn.qkv</c>, …,
/// <c>lm_head</c>, <c>scalar_head</c>), so it pairs with a host TinyGpt through <see cref="TorchNetwork"/>: pre-LN
/// blocks, causal attention over q, k, v split from one projection, GELU (tanh form), an untied LM head and, with
/// <see cref="TinyGptConfig.ScalarHead"/>, a per-position scalar head (PPO's value model, the reward model).
/// </summary>
public sealed class TorchTinyGpt : nn.Module<Tensor, Tensor>
{
    private readonly Embedding tok_emb;
    private readonly Embedding pos_emb;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm ln_f;
    private readonly Linear lm_head;
    private readonly Linear? scalar_head;
    private readonly TinyGptConfig _config;

    /// <summary>Builds the layers for <paramref name="config"/> (weights come from the host twin).</summary>
    public TorchTinyGpt(TinyGptConfig config) : base(nameof(TorchTinyGpt))
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        tok_emb = nn.Embedding(config.VocabSize, config.Dim);
        pos_emb = nn.Embedding(config.ContextLength, config.Dim);
        blocks = nn.ModuleList([.. Enumerable.Range(0, config.Layers).Select(_ => new Block(config.Dim, config.Heads, config.MlpRatio))]);
        ln_f = nn.LayerNorm(config.Dim, eps: 1e-5);
        lm_head = nn.Linear(config.Dim, config.VocabSize, hasBias: false);
        if (config.ScalarHead) scalar_head = nn.Linear(config.Dim, 1);
        RegisterComponents();
    }

    /// <summary>Logits [B, T, V] for token ids [B, T] (int64).</summary>
    public override Tensor forward(Tensor tokens) => Forward(tokens, null);

    /// <summary>Logits [B, T, V] and, with a scalar head, per-position scalars [B, T] for token ids [B, T] (int64).</summary>
    public (Tensor Logits, Tensor? Scalars) ForwardWithScalar(Tensor tokens)
    {
        var h = Hidden(tokens, null);
        return (lm_head.forward(h), scalar_head?.forward(h).squeeze(-1));
    }

    /// <summary>
    /// Logits for <paramref name="tokens"/> [B, Tn] after the positions already in <paramref name="cache"/> (null: none),
    /// appending their keys and values to it.
    /// </summary>
    public Tensor Forward(Tensor tokens, TorchKvCache? cache) => lm_head.forward(Hidden(tokens, cache));

    /// <summary>The final layer norm's output [B, T, d], what both heads read.</summary>
    private Tensor Hidden(Tensor tokens, TorchKvCache? cache)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        long start = cache?.Length ?? 0, t = tokens.shape[1];
        using Scalar first = start, end = start + t; // arange(start, end) would make these (and its step) on the fly
        using var positions = arange(first, end, TorchOps.One, dtype: ScalarType.Int64, device: tokens.device);
        var x = tok_emb.forward(tokens).Plus(pos_emb.forward(positions));
        for (int i = 0; i < blocks.Count; i++) x = blocks[i].Forward(x, cache, i);
        if (cache is not null) cache.Length += (int)t;
        return ln_f.forward(x);
    }

    /// <summary>A cache for generation with this model.</summary>
    public TorchKvCache NewCache() => new(_config.Layers);

    /// <summary>One pre-LN block; field names are the parameter names.</summary>
    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly LayerNorm ln1;
        private readonly Attention attn;
        private readonly LayerNorm ln2;
        private readonly Mlp mlp;

        public Block(int dim, int heads, int mlpRatio) : base(nameof(Block))
        {
            (ln1, attn, ln2, mlp) = (nn.LayerNorm(dim, eps: 1e-5), new Attention(dim, heads), nn.LayerNorm(dim, eps: 1e-5), new Mlp(dim, mlpRatio));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => Forward(x, null, 0);

        public Tensor Forward(Tensor x, TorchKvCache? cache, int layer)
        {
            var h = x.Plus(attn.Forward(ln1.forward(x), cache, layer));
            return h.Plus(mlp.forward(ln2.forward(h)));
        }
    }

    private sealed class Attention : nn.Module<Tensor, Tensor>
    {
        private readonly Linear qkv;
        private readonly Linear proj;
        private readonly int _heads;

        public Attention(int dim, int heads) : base(nameof(Attention))
        {
            (qkv, proj, _heads) = (nn.Linear(dim, 3 * dim), nn.Linear(dim, dim), heads);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => Forward(x, null, 0);

        public Tensor Forward(Tensor x, TorchKvCache? cache, int layer)
        {
            long b = x.shape[0], t = x.shape[1], d = x.shape[2], hd = d / _heads;
            var parts = qkv.forward(x).split(d, 2);
            Tensor Heads(Tensor z) => z.view(b, -1, _heads, hd).transpose(1, 2); // [B, H, T, hd]
            Tensor q = Heads(parts[0]), k = Heads(parts[1]), v = Heads(parts[2]);
            if (cache is not null) (k, v) = cache.Append(layer, k, v);
            // Causal: query i (at position start + i) sees keys up to its own position.
            long tk = k.shape[2], offset = tk - t;
            using var mask = ones(t, tk, dtype: ScalarType.Bool, device: x.device).tril(offset);
            var y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
            return proj.forward(y.transpose(1, 2).contiguous().view(b, t, d));
        }
    }

    private sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc;
        private readonly Linear proj;

        public Mlp(int dim, int ratio) : base(nameof(Mlp))
        {
            (fc, proj) = (nn.Linear(dim, ratio * dim), nn.Linear(ratio * dim, dim));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            // GELU, tanh form (as our engine and GPT-2), libtorch's fused kernel rather than five ops around its slow tanh
            return proj.forward(fc.forward(x).gelu(GELU.Approximate.tanh));
        }
    }
}

/// <summary>Keys and values of the positions decoded so far, per layer ([B, H, T, hd]); owned by the caller.</summary>
public sealed class TorchKvCache(int layers) : IDisposable
{
    private readonly Tensor?[] _keys = new Tensor?[layers];
    private readonly Tensor?[] _values = new Tensor?[layers];

    /// <summary>Positions cached.</summary>
    public int Length { get; internal set; }

    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        var keys = _keys[layer] is { } oldK ? cat([oldK, k], 2) : k.alias();
        var values = _values[layer] is { } oldV ? cat([oldV, v], 2) : v.alias();
        _keys[layer]?.Dispose();
        _values[layer]?.Dispose();
        (_keys[layer], _values[layer]) = (keys.DetachFromDisposeScope(), values.DetachFromDisposeScope());
        return (keys, values);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values)) t?.Dispose();
    }
}
