using System.Diagnostics;
using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Models;
using AsyncRL.Models.Backend;
using EnvSpec = AsyncRL.Environments.EnvSpec;

namespace AsyncRL.Benchmarks.Learner;

/// <summary>
/// The learner's side of PPO on its own, as the node runs it with the CLI's settings (512 rows per update from
/// 16 fragments of 8 envs × 32 steps, one epoch of 8 minibatches): decode each wire batch, ingest, update. The
/// batches are collected once beforehand, so only learner work is timed. Also reports CPU seconds, which are
/// what bounds end-to-end throughput when actors and learner share the cores.
/// </summary>
public sealed class PpoLearnerQuickBenchmark : IQuickBenchmark
{
    /// <inheritdoc/>
    public string Name => "ppo-learner";

    /// <inheritdoc/>
    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Gemm.SetThreads(1);
        const int envs = 8, steps = 32, fragmentsPerUpdate = 2;
        var spec = EnvRegistry.SpecOf("cartpole");
        var options = new PpoOptions { AnnealLearningRate = false, RolloutLength = steps, RowsPerUpdate = fragmentsPerUpdate * envs * steps, LearningRate = 1e-2f, Epochs = 1, Minibatches = 8 };
        var batches = Collect(options, spec, envs, count: 64);

        foreach (var (label, seconds) in new[] { ("warm-up", 1.0), ("measured", 4.0) })
        {
            var algorithm = new PpoLearnerAlgorithm(options, spec, seed: 1);
            double decode = 0, update = 0;
            long rows = 0, updates = 0;
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            for (long i = 0; wall.Elapsed.TotalSeconds < seconds; i++)
            {
                var batch = batches[(int)(i % batches.Length)];
                long t0 = Stopwatch.GetTimestamp();
                var samples = algorithm.Decode(batch);
                algorithm.Ingest(new LearnerBatch(batch.ActorId, batch.Seq, batch.PolicyVersion, batch.PolicyVersion, (long)batch.EnvSteps, default, samples));
                long t1 = Stopwatch.GetTimestamp();
                decode += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                if (!algorithm.ReadyToUpdate) continue;
                var result = algorithm.Update(batch.PolicyVersion);
                update += Stopwatch.GetElapsedTime(t1).TotalSeconds;
                rows += result.Rows;
                updates++;
            }
            double total = wall.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            if (label == "warm-up") continue;
            output.WriteLine($"rows per update         : {options.RowsPerUpdate}");
            output.WriteLine($"updates                 : {updates:N0} in {total:F1} s ({update / updates * 1e3:F2} ms each)");
            output.WriteLine($"decode + ingest per row : {decode / rows * 1e6:F3} µs");
            output.WriteLine($"update per row          : {update / rows * 1e6:F3} µs");
            output.WriteLine($"learner rows/s (wall)   : {rows / total:N0}");
            output.WriteLine($"learner rows/CPU-s      : {rows / cpu:N0}");
            output.WriteLine($"GC gen0/1/2             : {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, allocated {GC.GetTotalAllocatedBytes() / (1 << 20):N0} MiB");
        }
    }

    private static SampleBatch[] Collect(PpoOptions options, EnvSpec spec, int envs, int count)
    {
        var rng = new Generator(7);
        var model = new ActorCritic(spec.ObservationSize, spec.ActionCount, options.Hidden, rng);
        var collector = new PpoRolloutCollector(EnvRegistry.CreateVector(spec.Id, envs, 3), new PpoActingPolicy(model, envs), rng.Fork(), options.RolloutLength);
        return [.. Enumerable.Range(0, count).Select(i => PpoWire.ToBatch(collector.Collect(0), "bench/0", (ulong)i + 1))];
    }
}
