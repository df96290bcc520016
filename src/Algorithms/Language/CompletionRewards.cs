using AsyncRL.Environments.Language;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// The training reward of completions, computed on the learner so actors stay policy-only: the verifiable reward
/// for <c>arith</c>, the proxy reward model for <c>gold-rm</c>; both with the missing-EOS penalty.
/// </summary>
public interface ICompletionRewarder
{
    /// <summary>One reward per row of the batch.</summary>
    float[] Rewards(LanguageBatch batch);
}

/// <summary><c>arith</c>'s verifiable reward (<see cref="ArithTask.Reward"/>: 1 exact, 0 otherwise, −1 without EOS).</summary>
public sealed class VerifiableRewarder : ICompletionRewarder
{
    /// <inheritdoc/>
    public float[] Rewards(LanguageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rewards = new float[batch.Rows];
        for (int r = 0; r < batch.Rows; r++)
            rewards[r] = ArithTask.Reward(batch.Prompts.AsSpan(r * batch.PromptLength, batch.PromptLength), batch.Completions.Row(r));
        return rewards;
    }
}

/// <summary>A learned reward model's normalised score, less <paramref name="eosPenalty"/> for a completion without EOS.</summary>
/// <param name="model">The proxy reward model.</param>
/// <param name="eosPenalty">Subtracted when the completion has no EOS (Noukhovitch et al. 2025 use 1).</param>
public sealed class ProxyRewarder(RewardModel model, float eosPenalty = 1f) : ICompletionRewarder
{
    /// <summary>The reward model.</summary>
    public RewardModel Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc/>
    public float[] Rewards(LanguageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rewards = Model.Score(batch.Prompts, batch.PromptLength, batch.Completions.Tokens, batch.Completions.Lengths);
        for (int r = 0; r < rewards.Length; r++)
            if (!batch.Completions.HasEos(r)) rewards[r] -= eosPenalty;
        return rewards;
    }
}
