using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// The shape of the TinyGpt policies (and of the proxy reward model and PPO's value model, which reuse it):
/// small enough that generation and training run on one core each, large enough to learn the tasks.
/// </summary>
/// <param name="Dim">Model width d.</param>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="Heads">Attention heads (divide <paramref name="Dim"/>).</param>
/// <param name="MlpRatio">MLP hidden width as a multiple of d.</param>
public sealed record LanguageModelOptions(int Dim = 64, int Layers = 2, int Heads = 4, int MlpRatio = 4)
{
    /// <summary>The TinyGpt config for a task: its vocabulary, and a context of prompt + completion.</summary>
    public TinyGptConfig ConfigFor(ILanguageTask task, bool scalarHead = false)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new TinyGptConfig(Vocabulary.Size, task.PromptLength + task.CompletionLength, Dim, Layers, Heads, MlpRatio, scalarHead);
    }

    /// <summary>Throws when the numbers do not make a model.</summary>
    public void Validate()
    {
        if (Dim < 1 || Layers < 1 || Heads < 1 || MlpRatio < 1 || Dim % Heads != 0)
            throw new ArgumentException($"Language model: sizes must be positive and heads must divide the width: {this}.");
    }
}
