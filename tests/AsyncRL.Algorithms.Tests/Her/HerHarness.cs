using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Her;
using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Tests.Her;

/// <summary>DQN + HER without the wire: one collector over N bit-flipping environments feeding the learner algorithm in process.</summary>
internal static class HerHarness
{
    public sealed record Result(double SuccessRate, long Steps, long Updates, double Seconds);

    /// <summary>Trains until the greedy success rate (100 episodes, checked every <paramref name="evalEvery"/> env steps) reaches <paramref name="target"/> or the budget ends.</summary>
    public static Result Train(int bits, HerOptions options, ulong seed, int envs, long budget, double target = 0.9, long evalEvery = 10_000)
    {
        var args = new Dictionary<string, string> { ["n"] = bits.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var spec = EnvRegistry.SpecOf("bitflip", args);
        var learner = new HerLearnerAlgorithm(options, spec, args, seed);
        var dqn = options.Dqn;
        var actorNet = new QNetwork(spec.ObservationSize, spec.ActionCount, dqn.Hidden, new Generator(0));
        var epsilons = Enumerable.Repeat(dqn.Epsilon, envs).ToArray();
        var collector = new HerCollector(EnvRegistry.CreateVector("bitflip", args, envs, seed + 100), new DqnActingPolicy(actorNet, envs), new Generator(seed + 200), dqn.RolloutLength, epsilons);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        long steps = 0, version = 0, nextEval = evalEvery;
        ulong seq = 0;
        double success = 0;
        while (steps < budget)
        {
            actorNet.CopyFrom(learner.Policy);
            var (episodes, taken) = collector.Collect(version);
            steps += taken;
            var batch = HerWire.ToBatch(episodes, "test/0", taken);
            learner.Ingest(new LearnerBatch("test/0", ++seq, version, version, taken, default, learner.Decode(batch)));
            while (learner.ReadyToUpdate) learner.Update(version++);
            if (steps < nextEval && steps < budget) continue;
            nextEval += evalEvery;
            success = learner.Score() ?? 0;
            if (success >= target) break;
        }
        return new Result(success, steps, learner.Learner.Updates, sw.Elapsed.TotalSeconds);
    }
}
