using AsyncRL.Models.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace AsyncRL.Models.Torch;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// Torch MLPs laid out as our engine's <see cref="Mlp"/>: Linear layers at even indices, the activation between them
/// at odd ones, so the parameter names (<c>0.weight</c>, <c>2.bias</c>, …) are the same and weights interchange.
/// </summary>
public static class TorchMlp
{
    /// <summary>A Sequential over <paramref name="sizes"/> (input, hidden…, output) with the activation between layers.</summary>
    public static nn.Module<Tensor, Tensor> Create(IReadOnlyList<int> sizes, ActivationKind activation)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2) throw new ArgumentException("An MLP needs at least an input and an output size.", nameof(sizes));
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            layers.Add(((2 * i).ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Linear(sizes[i], sizes[i + 1])));
            if (i + 2 < sizes.Count) layers.Add(((2 * i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Activation(activation)));
        }
        return nn.Sequential(layers.ToArray());
    }

    /// <summary>A module holding named children, so its parameters read <c>child.0.weight</c>; with one child, its forward is the child's.</summary>
    public static nn.Module<Tensor, Tensor> Named(params (string Name, nn.Module<Tensor, Tensor> Module)[] children)
    {
        ArgumentNullException.ThrowIfNull(children);
        return new NamedModules(children);
    }

    private static nn.Module<Tensor, Tensor> Activation(ActivationKind kind) => kind switch
    {
        ActivationKind.Tanh => nn.Tanh(),
        ActivationKind.Relu => nn.ReLU(),
        _ => throw new NotSupportedException($"Torch MLP: activation {kind} is not mapped yet."),
    };

    /// <summary>Children registered by name; with several, callers run the children themselves.</summary>
    private sealed class NamedModules : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor>? _only;

        public NamedModules((string Name, nn.Module<Tensor, Tensor> Module)[] children) : base(nameof(NamedModules))
        {
            foreach (var (name, module) in children) register_module(name, module);
            _only = children.Length == 1 ? children[0].Module : null;
        }

        public override Tensor forward(Tensor input) =>
            _only?.forward(input) ?? throw new NotSupportedException("A holder of several networks has no forward: run its children.");
    }
}
