using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Benchmarks.Replay;
using AsyncRL.Environments;
using AsyncRL.Models;

namespace AsyncRL.Benchmarks.Maddpg;

/// <summary>
/// MADDPG's two halves on simple_spread and simple_tag: an actor's collection rate (8 environments, 25-step fragments,
/// encoded for the wire) and the learner's update rate (every agent's critic and actor step) at batch 1024 and 256.
/// </summary>
public sealed class MaddpgQuickBenchmark : IQuickBenchmark
{
    /// <inheritdoc/>
    public string Name => "maddpg";

    /// <inheritdoc/>
    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var envId in new[] { "simple_spread", "simple_tag" })
        {
            var spec = EnvRegistry.MultiAgentSpecOf(envId);
            var options = new MaddpgOptions();
            var actors = new MaddpgActors(spec, options.Hidden, new Generator(1));
            var collector = new MaddpgCollector(EnvRegistry.CreateMultiAgentVector(envId, null, 8, 2), new MaddpgActingPolicy(actors, 8), new Generator(3), 25);
            var (collect, bytes) = QuickTimer.Measure(() => MaddpgWire.ToBatch(collector.Collect(0), spec, "b/0", 200));
            output.WriteLine($"{envId,-14} collect + encode: {200 / collect,10:F0} env steps/s ({bytes / 200:F0} B/step)");
            foreach (int batch in new[] { 1024, 256 })
            {
                var algo = new MaddpgLearnerAlgorithm(options with { BatchSize = batch, MinReplaySize = batch, SamplesPerInsert = 1e6 }, spec, 4);
                for (ulong seq = 1; algo.Replay.Size < 4096; seq++)
                    algo.Ingest(new LearnerBatch("b/0", seq, 0, 0, 200, default, algo.Decode(MaddpgWire.ToBatch(collector.Collect(0), spec, "b/0", 200))));
                var (update, _) = QuickTimer.Measure(() => algo.Update(0), budgetSeconds: 3);
                double cpu = ReplayQuickBenchmark.CpuSecondsPerCall(() => algo.Update(0), 50);
                output.WriteLine($"{envId,-14} update, batch {batch,4}: {update * 1e3,7:F2} ms wall, {cpu * 1e3,7:F2} ms CPU ({spec.AgentCount} agents)");
            }
        }
    }
}
