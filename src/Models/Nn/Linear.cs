namespace AsyncRL.Models.Nn;

/// <summary>How a <see cref="Linear"/> layer's weights start.</summary>
public abstract record LinearInit
{
    /// <summary>PyTorch's default: Kaiming-uniform weight and U(±1/√fan_in) bias.</summary>
    public static LinearInit Default { get; } = new KaimingUniformInit();

    /// <summary>Orthogonal weight scaled by <paramref name="Gain"/>, constant bias (CleanRL's <c>layer_init</c>).</summary>
    public static LinearInit Orthogonal(float gain, float bias = 0f) => new OrthogonalInit(gain, bias);

    internal abstract void Apply(Tensor weight, Tensor? bias, Generator rng);

    private sealed record KaimingUniformInit : LinearInit
    {
        internal override void Apply(Tensor weight, Tensor? bias, Generator rng)
        {
            Init.KaimingUniform(weight, rng);
            if (bias is not null) Init.Uniform(bias, rng, 1f / MathF.Sqrt(weight.Dim(1)));
        }
    }

    private sealed record OrthogonalInit(float Gain, float Bias) : LinearInit
    {
        internal override void Apply(Tensor weight, Tensor? bias, Generator rng)
        {
            Init.Orthogonal(weight, rng, Gain);
            bias?.Data.Fill(Bias);
        }
    }
}

/// <summary>y = x·Wᵀ + b, with W stored as [out, in] like PyTorch.</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates a layer initialised from <paramref name="rng"/>.</summary>
    public Linear(int inFeatures, int outFeatures, Generator rng, bool hasBias = true, LinearInit? init = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        Bias = hasBias ? RegisterParameter("bias", Tensor.Zeros(outFeatures)) : null;
        (init ?? LinearInit.Default).Apply(Weight, Bias, rng);
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>[out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>[out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
