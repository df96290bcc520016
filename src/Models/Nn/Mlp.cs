namespace AsyncRL.Models.Nn;

/// <summary>Builds multi-layer perceptrons: Linear → activation → … → Linear.</summary>
public static class Mlp
{
    /// <summary>
    /// An MLP through the given layer sizes (input first, output last), the activation between
    /// hidden layers and none after the output. Hidden layers use <paramref name="hiddenInit"/>,
    /// the output layer <paramref name="outputInit"/> (policy heads often want a small gain).
    /// </summary>
    public static Sequential Create(ReadOnlySpan<int> sizes, ActivationKind activation, Generator rng,
        LinearInit? hiddenInit = null, LinearInit? outputInit = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (sizes.Length < 2) throw new ArgumentException($"Mlp: needs at least an input and an output size, got {sizes.Length}.", nameof(sizes));
        var layers = new List<Module<Tensor, Tensor>>();
        for (int i = 0; i < sizes.Length - 1; i++)
        {
            bool last = i == sizes.Length - 2;
            layers.Add(new Linear(sizes[i], sizes[i + 1], rng, init: last ? outputInit ?? hiddenInit : hiddenInit));
            if (!last) layers.Add(new Activation(activation));
        }
        return new Sequential(layers);
    }
}
