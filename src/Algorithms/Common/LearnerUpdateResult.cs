using AsyncRL.Algorithms.Ppo;

namespace AsyncRL.Algorithms;

/// <summary>What one update did.</summary>
/// <param name="Metrics">
/// Diagnostics as a flat name → number map, names in snake case as metrics.jsonl writes them (PPO: loss,
/// approx_kl, clip_fraction, ratio_mean, ess, explained_variance, grad_norm, lr, …). NaN where undefined.
/// </param>
/// <param name="Staleness">learner_version − policy_version over the update's rows.</param>
/// <param name="Rows">Rows the update consumed.</param>
/// <param name="RowsDropped">Of those, rows left out of the loss for being too stale.</param>
/// <param name="Consumed">The batches the update consumed (they leave the store).</param>
public sealed record LearnerUpdateResult(
    IReadOnlyDictionary<string, double> Metrics, StalenessSummary Staleness, int Rows, int RowsDropped, IReadOnlyList<LearnerBatch> Consumed);
