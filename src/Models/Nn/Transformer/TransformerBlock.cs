namespace AsyncRL.Models.Nn;

/// <summary>
/// A pre-LN GPT block: x + Attn(LN₁(x)), then + MLP(LN₂(x)) with a GELU (tanh form) MLP.
/// Parameter names (<c>ln1</c>, <c>attn.qkv</c>, <c>attn.proj</c>, <c>ln2</c>, <c>mlp.fc</c>,
/// <c>mlp.proj</c>) are what the golden PyTorch model uses.
/// </summary>
public sealed class TransformerBlock : Module
{
    private readonly LayerNorm _ln1;
    private readonly LayerNorm _ln2;
    private readonly Linear _qkv;
    private readonly Linear _attnProj;
    private readonly Linear _fc;
    private readonly Linear _mlpProj;

    /// <summary>Creates a block; projections start at N(0, 0.02²) as GPT-2, residual outputs scaled by 1/√(2·layers).</summary>
    public TransformerBlock(int dim, int heads, int mlpRatio, int totalLayers, Generator rng)
    {
        Heads = heads;
        _ln1 = RegisterModule("ln1", new LayerNorm(dim));
        var attn = RegisterModule("attn", new Container());
        _qkv = attn.Add("qkv", new Linear(dim, 3 * dim, rng));
        _attnProj = attn.Add("proj", new Linear(dim, dim, rng));
        _ln2 = RegisterModule("ln2", new LayerNorm(dim));
        var mlp = RegisterModule("mlp", new Container());
        _fc = mlp.Add("fc", new Linear(dim, mlpRatio * dim, rng));
        _mlpProj = mlp.Add("proj", new Linear(mlpRatio * dim, dim, rng));
        float residualStd = 0.02f / MathF.Sqrt(2f * totalLayers);
        foreach (var (linear, std) in new[] { (_qkv, 0.02f), (_attnProj, residualStd), (_fc, 0.02f), (_mlpProj, residualStd) })
        {
            Init.Normal(linear.Weight, rng, std);
            linear.Bias!.Data.Clear();
        }
    }

    /// <summary>Attention heads.</summary>
    public int Heads { get; }

    /// <summary>[B, T, d] → [B, T, d], causal over T.</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var h = x + _attnProj.Forward(Functional.CausalSelfAttention(_qkv.Forward(_ln1.Forward(x)), Heads));
        return h + _mlpProj.Forward(_fc.Forward(_ln2.Forward(h)).Gelu());
    }

    /// <summary>Decodes new positions against the layer's KV cache (inference only).</summary>
    public Tensor Forward(Tensor x, LayerKvCache cache)
    {
        ArgumentNullException.ThrowIfNull(x);
        var h = x + _attnProj.Forward(Functional.CausalSelfAttention(_qkv.Forward(_ln1.Forward(x)), Heads, cache));
        return h + _mlpProj.Forward(_fc.Forward(_ln2.Forward(h)).Gelu());
    }

    /// <summary>A named group of sub-modules, only for PyTorch-compatible dotted names.</summary>
    private sealed class Container : Module
    {
        public T Add<T>(string name, T module) where T : Module => RegisterModule(name, module);
    }
}
