namespace AsyncRL.Algorithms;

/// <summary>
/// A learner algorithm whose training returns can overstate its policy, so a run is solved only once the policy
/// itself reaches the threshold. Value-based learners are the case: their training episodes are ε-greedy and
/// spread over many versions, and a Q-network can swing away from a good greedy policy between them.
/// </summary>
public interface ISolvedConfirmation
{
    /// <summary>Whether the current policy, run greedily, reaches <paramref name="threshold"/>; called when the training returns have.</summary>
    bool ConfirmSolved(float threshold);
}
