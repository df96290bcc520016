namespace AsyncRL.Algorithms;

/// <summary>
/// A scored learner algorithm that starts from a reference policy (the language algorithms' SFT model): its score
/// is reported beside the final one, and how far the policy drifted from it (<c>summary.json</c>'s
/// <c>sft_score</c> and <c>kl_to_reference</c>).
/// </summary>
public interface IReferenceScoredLearnerAlgorithm : IScoredLearnerAlgorithm
{
    /// <summary>The task's score of the reference policy, measured once before training.</summary>
    double ReferenceScore { get; }

    /// <summary>KL(π ‖ π_ref) per sequence now, estimated by Monte-Carlo on held-out prompts.</summary>
    double KlToReference();
}
