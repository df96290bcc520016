using System.Diagnostics;
using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Her;
using AsyncRL.Algorithms.Replay;
using AsyncRL.Environments;
using AsyncRL.Models;

namespace AsyncRL.Benchmarks.Replay;

/// <summary>
/// Replay store throughput: inserts (CartPole-shaped transitions, batches of 128 rows) and sampling batches
/// of 256, uniform and prioritized, at 2^17 and 2^20 rows.
/// </summary>
public sealed class ReplayQuickBenchmark : IQuickBenchmark
{
    /// <inheritdoc/>
    public string Name => "replay-store";

    /// <inheritdoc/>
    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var columns = DqnLearnerAlgorithm.Columns(4);
        const int rows = 128;
        var rng = new Generator(1);
        ReadOnlyMemory<float>[] batch = [Random(rng, rows * 4), Random(rng, rows), Random(rng, rows), Random(rng, rows * 4), Random(rng, rows)];
        var priorities = Random(rng, rows);
        foreach (var (prioritized, capacity) in new[] { (false, 1 << 17), (true, 1 << 17), (false, 1 << 20), (true, 1 << 20) })
        {
            output.WriteLine($"-- capacity {capacity}");
            var buffer = new ReplayBuffer(new ReplayOptions { Capacity = capacity, Prioritized = prioritized }, columns);
            var (insert, _) = QuickTimer.Measure(() => buffer.Insert(rows, batch, 7, prioritized ? priorities : default));
            double insertCpu = CpuSecondsPerCall(() => buffer.Insert(rows, batch, 7, prioritized ? priorities : default), 20_000);
            output.WriteLine($"insert ({(prioritized ? "prioritized" : "uniform"),-11})  : {rows / insert / 1e6,8:F2} M transitions/s wall, {rows / insertCpu / 1e6,8:F2} M per CPU-second");
            while (buffer.Size < capacity) buffer.Insert(rows, batch, 7);
            var sample = new ReplaySample(columns, 256);
            var (draw, bytes) = QuickTimer.Measure(() => buffer.Sample(sample, rng, 10));
            double cpu = CpuSecondsPerCall(() => buffer.Sample(sample, rng, 10), 2000);
            output.WriteLine($"sample 256 ({(prioritized ? "prioritized" : "uniform"),-11}): {1 / draw,8:F0} batches/s wall, {1 / cpu,8:F0} per CPU-second  ({bytes:F0} B/batch)");
            if (prioritized && capacity == 1 << 17)
            {
                var td = Random(rng, 256);
                var (update, _) = QuickTimer.Measure(() => buffer.UpdatePriorities(sample.Keys, td));
                output.WriteLine($"priority update 256       : {1 / update,8:F0} batches/s");
            }
        }
    }

    // On a shared machine wall time mostly measures the neighbours; CPU time charged to this process is the steadier figure.
    internal static double CpuSecondsPerCall(Action action, int calls)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        for (int i = 0; i < calls; i++) action();
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds / calls;
    }

    internal static float[] Random(Generator rng, int n) => Enumerable.Range(0, n).Select(_ => rng.NextUniform(-1, 1)).ToArray();

    /// <summary>Actor and learner interleaved on one thread: 8 environments, lag 0, defaults of the CLI.</summary>
    internal static (bool Solved, long Steps, double Seconds) SolveCartPole(ulong seed, long budget = 300_000)
    {
        var options = new DqnOptions();
        var spec = EnvRegistry.SpecOf("cartpole");
        var sw = Stopwatch.StartNew();
        var learner = new DqnLearnerAlgorithm(options, spec, null, seed);
        var actorNet = new QNetwork(4, 2, options.Hidden, new Generator(0));
        var eps = Enumerable.Range(0, 8).Select(i => ApeXExploration.Epsilon(i, 8, options.Epsilon, options.EpsilonAlpha)).ToArray();
        var collector = new DqnCollector(EnvRegistry.CreateVector("cartpole", 8, seed + 100), new DqnActingPolicy(actorNet, 8), new Generator(seed + 200),
            options.RolloutLength, options.NStep, options.Gamma, eps, options.EpsilonDecaySteps);
        var episodes = new List<EpisodeStats>();
        long steps = 0, version = 0;
        ulong seq = 0;
        while (steps < budget)
        {
            actorNet.CopyFrom(learner.Policy);
            var t = collector.Collect(version);
            steps += options.RolloutLength * 8;
            learner.Ingest(new LearnerBatch("b/0", ++seq, version, version, options.RolloutLength * 8, default, learner.Decode(DqnWire.ToBatch(t, "b/0", 1))));
            while (learner.ReadyToUpdate) learner.Update(version++);
            collector.Env.DrainEpisodes(episodes);
            if (episodes.Count >= 20 && episodes.TakeLast(20).Average(e => e.Return) >= 475) return (true, steps, sw.Elapsed.TotalSeconds);
        }
        return (false, steps, sw.Elapsed.TotalSeconds);
    }

    /// <summary>HER on n bits with the CLI defaults, one actor of 16 environments; greedy success checked every 10k steps.</summary>
    internal static (double Success, long Steps, double Seconds) HerBitFlip(int bits, ulong seed, long budget = 1_000_000)
    {
        var options = new HerOptions();
        var args = new Dictionary<string, string> { ["n"] = bits.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var spec = EnvRegistry.SpecOf("bitflip", args);
        var sw = Stopwatch.StartNew();
        var learner = new HerLearnerAlgorithm(options, spec, args, seed);
        var actorNet = new QNetwork(spec.ObservationSize, spec.ActionCount, options.Dqn.Hidden, new Generator(0));
        var collector = new HerCollector(EnvRegistry.CreateVector("bitflip", args, 16, seed + 100), new DqnActingPolicy(actorNet, 16), new Generator(seed + 200),
            options.Dqn.RolloutLength, Enumerable.Repeat(options.Dqn.Epsilon, 16).ToArray());
        long steps = 0, version = 0, nextEval = 10_000;
        ulong seq = 0;
        double success = 0;
        while (steps < budget)
        {
            actorNet.CopyFrom(learner.Policy);
            var (episodes, taken) = collector.Collect(version);
            steps += taken;
            learner.Ingest(new LearnerBatch("b/0", ++seq, version, version, taken, default, learner.Decode(HerWire.ToBatch(episodes, "b/0", taken))));
            while (learner.ReadyToUpdate) learner.Update(version++);
            if (steps < nextEval) continue;
            nextEval += 10_000;
            success = learner.Score() ?? 0;
            if (success >= 0.9) break;
        }
        return (success, steps, sw.Elapsed.TotalSeconds);
    }
}

/// <summary>DQN learner updates/s and the in-process wall time of DQN on CartPole and DQN + HER on bit-flipping.</summary>
public sealed class ReplayLearningQuickBenchmark : IQuickBenchmark
{
    /// <inheritdoc/>
    public string Name => "replay-learning";

    /// <inheritdoc/>
    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var rng = new Generator(1);
        var options = new DqnOptions();
        var learner = new DqnLearner(new QNetwork(4, 2, options.Hidden, new Generator(2)), options);
        int b = options.BatchSize;
        float[] obs = ReplayQuickBenchmark.Random(rng, b * 4), next = ReplayQuickBenchmark.Random(rng, b * 4), ret = ReplayQuickBenchmark.Random(rng, b), disc = Enumerable.Repeat(0.97f, b).ToArray(), w = Enumerable.Repeat(1f, b).ToArray();
        var actions = Enumerable.Range(0, b).Select(i => i % 2).ToArray();
        var (step, _) = QuickTimer.Measure(() => learner.Update(obs, actions, ret, next, disc, w));
        output.WriteLine($"DQN update (batch {b}, 64-64): {1 / step,8:F0} updates/s  (gemm: {AsyncRL.Models.Backend.Gemm.BackendName})");

        foreach (ulong seed in new ulong[] { 1, 2, 3 })
        {
            var (solved, steps, seconds) = ReplayQuickBenchmark.SolveCartPole(seed);
            output.WriteLine($"DQN CartPole seed {seed}       : {(solved ? "solved" : "NOT solved")} in {seconds:F1} s, {steps} env steps (in process, no wire)");
        }
        var (success, herSteps, herSeconds) = ReplayQuickBenchmark.HerBitFlip(15, 1);
        output.WriteLine($"HER bitflip n=15 seed 1     : {success:P0} greedy success in {herSeconds:F1} s, {herSteps} env steps");
    }
}
