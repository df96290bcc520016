using AsyncRL.Algorithms.Language;
using AsyncRL.Models.Engine;

namespace AsyncRL.Algorithms.Tests.Language;

/// <summary>
/// The paper's loop without the wire: an actor copy generates N mini-batches with θ_t, the learner takes N updates
/// (the first on-policy, each next one more off-policy), the actor copies θ_{t+N}; N = 1 is synchronous on-policy.
/// </summary>
internal static class LanguageHarness
{
    public sealed record Result(double SftScore, double Score, double KlToReference, double RewardMeanFirst, double RewardMeanLast, double StalenessMax);

    public static Result Train(PreparedTask prepared, string algorithm, int updates, ulong seed, int n = 1, LanguageRlOptions? options = null,
        ModelEngine? engine = null)
    {
        options ??= new LanguageRlOptions();
        options.Validate(algorithm);
        var policy = prepared.CopyOfSft();
        var actor = prepared.CopyOfSft();
        var objective = LanguageObjectives.Create(algorithm, options, prepared, new Generator(seed));
        using var learner = new LanguageLearner(policy, prepared.CopyOfSft(), prepared.Rewarder, objective,
            new LanguageLearnerSettings(options.LearningRate, options.Temperature), engine);
        var generator = new BatchGenerator(prepared.Task, actor, options.CompletionsPerBatch, options.KFor(algorithm), options.Temperature, new Generator(seed + 1));
        var rewards = new List<double>();
        double stalenessMax = 0;
        long version = 0;
        while (learner.Updates < updates)
        {
            var batches = Enumerable.Range(0, n).Select(_ => generator.Next(version)).ToList();
            foreach (var batch in batches)
            {
                var update = learner.Update(batch, learner.Updates);
                rewards.Add(update.Metrics["reward_mean"]);
                stalenessMax = Math.Max(stalenessMax, update.Staleness.Max);
            }
            actor.LoadStateDict(policy.StateDict());
            version = learner.Updates;
        }
        int window = Math.Max(1, updates / 10);
        return new Result(prepared.SftScore, TaskScorer.Score(policy, prepared.Task),
            ReferenceKl.Estimate(policy, learner.Reference, prepared.Task, options.Temperature, new Generator(seed + 2)),
            rewards.Take(window).Average(), rewards.TakeLast(window).Average(), stalenessMax);
    }
}
