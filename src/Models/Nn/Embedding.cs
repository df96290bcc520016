namespace AsyncRL.Models.Nn;

/// <summary>A lookup table of <see cref="Dim"/>-vectors for ids in [0, <see cref="Count"/>).</summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table with N(0, std²) entries (PyTorch's default std is 1; GPT-2 uses 0.02).</summary>
    public Embedding(int count, int dim, Generator rng, float std = 1f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        Count = count;
        Dim = dim;
        Weight = RegisterParameter("weight", Tensor.Zeros(count, dim));
        Init.Normal(Weight, rng, std);
    }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>Width of each row.</summary>
    public int Dim { get; }

    /// <summary>[count, dim].</summary>
    public Tensor Weight { get; }

    /// <summary>Rows for <paramref name="ids"/>, shaped <paramref name="idsShape"/> + [dim].</summary>
    public Tensor Forward(ReadOnlySpan<int> ids, ReadOnlySpan<int> idsShape) => Functional.Embedding(Weight, ids, idsShape);
}

/// <summary>Layer normalisation over the last dimension with a learned scale and shift.</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (scale 1, shift 0).</summary>
    public LayerNorm(int dim, float eps = 1e-5f)
    {
        Eps = eps;
        Weight = RegisterParameter("weight", Tensor.Ones(dim));
        Bias = RegisterParameter("bias", Tensor.Zeros(dim));
    }

    /// <summary>ε.</summary>
    public float Eps { get; }

    /// <summary>γ.</summary>
    public Tensor Weight { get; }

    /// <summary>β.</summary>
    public Tensor Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, Weight, Bias, Eps);
}
