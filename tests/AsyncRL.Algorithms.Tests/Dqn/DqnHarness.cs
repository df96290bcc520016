using AsyncRL.Algorithms.Dqn;
using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Tests.Dqn;

/// <summary>Ape-X without the wire: one collector over N environments (one ε slot each) feeding the learner algorithm in process.</summary>
internal static class DqnHarness
{
    public sealed record Result(double ReturnMean, long Steps, long Updates, double Seconds);

    public static Result TrainCartPole(ulong seed, DqnOptions options, int envs, long budget, double solvedAt = 475)
    {
        var spec = EnvRegistry.SpecOf("cartpole");
        var learner = new DqnLearnerAlgorithm(options, spec, null, seed);
        var actorNet = new QNetwork(spec.ObservationSize, spec.ActionCount, options.Hidden, new Generator(0));
        var epsilons = Enumerable.Range(0, envs).Select(i => ApeXExploration.Epsilon(i % options.EpsilonSlots, options.EpsilonSlots, options.Epsilon, options.EpsilonAlpha)).ToArray();
        var collector = new DqnCollector(EnvRegistry.CreateVector("cartpole", envs, seed + 100), new DqnActingPolicy(actorNet, envs), new Generator(seed + 200),
            options.RolloutLength, options.NStep, options.Gamma, epsilons, options.EpsilonDecaySteps);
        var episodes = new List<EpisodeStats>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        long steps = 0, version = 0;
        ulong seq = 0;
        while (steps < budget)
        {
            actorNet.CopyFrom(learner.Policy);
            var t = collector.Collect(version);
            steps += options.RolloutLength * envs;
            var batch = DqnWire.ToBatch(t, "test/0", options.RolloutLength * envs);
            learner.Ingest(new LearnerBatch("test/0", ++seq, version, version, options.RolloutLength * envs, default, learner.Decode(batch)));
            while (learner.ReadyToUpdate) learner.Update(version++);
            collector.Env.DrainEpisodes(episodes);
            if (episodes.Count >= 20 && episodes.TakeLast(20).Average(e => e.Return) >= solvedAt) break;
        }
        return new Result(episodes.Count == 0 ? 0 : episodes.TakeLast(20).Average(e => e.Return), steps, learner.Learner.Updates, sw.Elapsed.TotalSeconds);
    }
}
