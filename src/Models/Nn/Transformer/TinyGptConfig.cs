namespace AsyncRL.Models.Nn;

/// <summary>Shape of a <see cref="TinyGpt"/>.</summary>
/// <param name="VocabSize">Token ids are in [0, VocabSize).</param>
/// <param name="ContextLength">Maximum sequence length (position embeddings).</param>
/// <param name="Dim">Model width d.</param>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="Heads">Attention heads; must divide <paramref name="Dim"/>.</param>
/// <param name="MlpRatio">Hidden width of each block's MLP as a multiple of d.</param>
/// <param name="ScalarHead">Adds a per-position scalar head (a value or reward head).</param>
public sealed record TinyGptConfig(int VocabSize = 32, int ContextLength = 64, int Dim = 128, int Layers = 2, int Heads = 4,
    int MlpRatio = 4, bool ScalarHead = false)
{
    /// <summary>Throws if the numbers do not make a model.</summary>
    public void Validate()
    {
        if (VocabSize < 2 || ContextLength < 1 || Dim < 1 || Layers < 1 || Heads < 1 || MlpRatio < 1)
            throw new ArgumentException($"TinyGptConfig: every size must be positive (and vocabulary ≥ 2): {this}.");
        if (Dim % Heads != 0)
            throw new ArgumentException($"TinyGptConfig: Dim {Dim} is not divisible by Heads {Heads}.");
    }
}
