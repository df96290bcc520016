namespace AsyncRL.Algorithms;

/// <summary>
/// A learner algorithm that scores its own policy for <c>summary.json</c>'s <c>final_score</c> when the
/// task's score is not the training return (goal tasks: the greedy success rate).
/// </summary>
public interface IScoredLearnerAlgorithm
{
    /// <summary>The task's score for the current policy, or null when the training return is the score.</summary>
    double? Score();
}
