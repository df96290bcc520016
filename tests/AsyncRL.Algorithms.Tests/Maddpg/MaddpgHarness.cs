using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Tests.Maddpg;

/// <summary>MADDPG without the wire: one collector over N environments feeding the learner algorithm in process, actors always on the newest weights.</summary>
internal static class MaddpgHarness
{
    public sealed record Result(double ReturnMean, double RandomReturnMean, long Steps, long Updates, double Seconds);

    public static Result Train(string envId, ulong seed, MaddpgOptions options, int envs, long budget, int window = 200)
    {
        var spec = EnvRegistry.MultiAgentSpecOf(envId);
        var learner = new MaddpgLearnerAlgorithm(options, spec, seed);
        var actors = new MaddpgActors(spec, options.Hidden, new Generator(0));
        var collector = new MaddpgCollector(EnvRegistry.CreateMultiAgentVector(envId, null, envs, seed + 100), new MaddpgActingPolicy(actors, envs), new Generator(seed + 200), options.RolloutLength);
        var episodes = new List<MultiAgentEpisodeStats>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        long steps = 0, version = 0;
        ulong seq = 0;
        while (steps < budget)
        {
            actors.CopyFrom(learner.Policy);
            var t = collector.Collect(version);
            long fragment = options.RolloutLength * envs;
            steps += fragment;
            var batch = MaddpgWire.ToBatch(t, spec, "test/0", fragment);
            learner.Ingest(new LearnerBatch("test/0", ++seq, version, version, fragment, default, learner.Decode(batch)));
            while (learner.ReadyToUpdate) learner.Update(version++);
            collector.Env.DrainEpisodes(episodes);
        }
        return new Result(episodes.TakeLast(window).Average(e => e.Return), RandomReturn(envId, seed + 300, window), steps, learner.Learner.Updates, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Mean summed return of uniformly random joint actions over <paramref name="episodes"/> episodes.</summary>
    public static double RandomReturn(string envId, ulong seed, int episodes)
    {
        var env = EnvRegistry.CreateMultiAgentVector(envId, null, 1, seed);
        var rng = new Generator(seed + 1);
        int n = env.Spec.AgentCount;
        var actions = new int[n];
        var rewards = new float[n];
        bool[] terminated = new bool[1], truncated = new bool[1];
        var done = new List<MultiAgentEpisodeStats>();
        env.Reset();
        while (env.PendingEpisodes < episodes)
        {
            for (int i = 0; i < n; i++) actions[i] = rng.NextInt(env.Spec.ActionCount);
            env.Step(actions, rewards, terminated, truncated);
        }
        env.DrainEpisodes(done);
        return done.Average(e => e.Return);
    }
}
