using AsyncRL.Actors;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Models.Backend;

namespace AsyncRL.Benchmarks.Actors;

/// <summary>
/// Actors-only throughput: rollout actors stepping CartPole with PPO policy inference (64×64 tanh MLP,
/// sampling, log-probs, values) and packing fragments, with fixed weights and no learner: as Akka actors on the
/// rollout dispatcher (as in a node), and as plain loops on threads in the same run (the runtime's overhead).
/// </summary>
public sealed class ActorsQuickBenchmark : IQuickBenchmark
{
    /// <inheritdoc/>
    public string Name => "actors";

    /// <inheritdoc/>
    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Gemm.SetThreads(1);
        var spec = PpoRunSpec.Create(new PpoOptions(), "cartpole", 4, seed: 1, lag: 0, maxStaleness: 0);
        double dispatch = ActorThroughput.MeasureDispatchAsync(TimeSpan.FromSeconds(2)).GetAwaiter().GetResult();
        output.WriteLine($"rollout dispatcher, empty fragments: {dispatch,12:N0} Collect messages/s ({1e6 / dispatch:F2} µs each)");
        // Warm-up, thrown away: the first measurement in a process otherwise runs while the JIT is still tiering up.
        foreach (var runtime in new[] { ThroughputRuntime.Akka, ThroughputRuntime.Threads })
            ActorThroughput.MeasureAsync(spec, 1, 8, TimeSpan.FromSeconds(1), runtime: runtime).GetAwaiter().GetResult();
        foreach (var (actors, envs) in new[] { (1, 8), (2, 8), (2, 32), (2, 128) })
        {
            foreach (var runtime in new[] { ThroughputRuntime.Akka, ThroughputRuntime.Threads })
            {
                var r = ActorThroughput.MeasureAsync(spec, actors, envs, TimeSpan.FromSeconds(3), runtime: runtime).GetAwaiter().GetResult();
                output.WriteLine($"{actors} actor(s) × {envs,3} envs, {runtime,-7}: {r.StepsPerSecond,12:N0} env steps/s");
            }
        }
    }
}
