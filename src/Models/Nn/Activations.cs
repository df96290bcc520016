namespace AsyncRL.Models.Nn;

/// <summary>Element-wise activations an MLP can use.</summary>
public enum ActivationKind
{
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>max(x, 0).</summary>
    Relu,
}

/// <summary>A parameter-free activation layer.</summary>
public sealed class Activation(ActivationKind kind) : Module<Tensor, Tensor>
{
    /// <summary>Which function.</summary>
    public ActivationKind Kind { get; } = kind;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Kind switch
        {
            ActivationKind.Tanh => input.Tanh(),
            ActivationKind.Relu => input.Relu(),
            _ => throw new InvalidOperationException($"Activation: unknown kind {Kind}."),
        };
    }

    /// <summary>Applies the activation in place to raw values (for allocation-free inference).</summary>
    internal static void Apply(ActivationKind kind, Span<float> values)
    {
        switch (kind)
        {
            case ActivationKind.Tanh: TanhKernel.Tanh(values, values); break;
            case ActivationKind.Relu: System.Numerics.Tensors.TensorPrimitives.Max(values, 0f, values); break;
            default: throw new InvalidOperationException($"Activation: unknown kind {kind}.");
        }
    }
}
