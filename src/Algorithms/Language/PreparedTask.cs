using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// A language task ready for RL: the task, the SFT policy (the reference π_ref and the first published
/// policy), the proxy reward model where the task trains against one, and what preparing them measured.
/// </summary>
/// <param name="Task">The task (held-out prompts from the run's seed).</param>
/// <param name="Sft">The SFT model; never trained further (copy it for the policy).</param>
/// <param name="ProxyReward">The proxy reward model (<c>gold-rm</c>), else null.</param>
/// <param name="SftScore">The task's score of the SFT model.</param>
/// <param name="RewardModelAccuracy">The proxy's accuracy on held-out gold-labelled pairs (null without one).</param>
/// <param name="FromCache">Whether the models were loaded from the SFT cache rather than trained.</param>
public sealed record PreparedTask(ILanguageTask Task, TinyGpt Sft, RewardModel? ProxyReward, double SftScore, double? RewardModelAccuracy, bool FromCache)
{
    /// <summary>The training reward: verifiable for arith, the proxy reward model for gold-rm.</summary>
    public ICompletionRewarder Rewarder => ProxyReward is { } rm ? new ProxyRewarder(rm) : new VerifiableRewarder();

    /// <summary>A fresh copy of the SFT weights (for the policy, or a frozen reference).</summary>
    public TinyGpt CopyOfSft()
    {
        var copy = new TinyGpt(Sft.Config, new Generator(0));
        copy.LoadStateDict(Sft.StateDict());
        return copy;
    }
}
