using AsyncRL.Actors;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Models.Backend;

namespace AsyncRL.Benchmarks.Actors;

/// <summary>
/// Actors-only throughput: rollout actors stepping CartPole with PPO policy inference (64×64 tanh MLP,
/// sampling, log-probs, values) and packing fragments, with fixed weights and no learner.
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
        foreach (var (actors, envs) in new[] { (1, 8), (2, 8), (2, 32), (2, 128) })
        {
            var r = ActorThroughput.MeasureAsync(spec, actors, envs, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
            output.WriteLine($"{actors} actor(s) × {envs,3} envs : {r.StepsPerSecond,12:N0} env steps/s");
        }
    }
}
