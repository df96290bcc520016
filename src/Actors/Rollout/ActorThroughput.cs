using AsyncRL.Actors.Rollout;
using AsyncRL.Algorithms;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Actors;

/// <summary>
/// Actors-only throughput, for the benchmark and the CLI: N actors on their own threads act with fixed weights
/// (their seeded initial parameters) and build their sample batches exactly as in a run, with no learner and
/// nothing sent. What it measures is the ceiling the rest of the system can only lower.
/// </summary>
public static class ActorThroughput
{
    /// <summary>Acts for <paramref name="duration"/> (after one warm-up fragment per actor) and counts env steps.</summary>
    /// <param name="spec">The run spec to act for (e.g. <c>PpoRunSpec.Create(...)</c>).</param>
    /// <param name="actors">Actor threads.</param>
    /// <param name="envsPerActor">Environments per actor.</param>
    /// <param name="duration">How long to measure.</param>
    /// <param name="factory">Builds the algorithms (default: <see cref="ActorAlgorithms.Create"/>).</param>
    /// <param name="time">Clock of the measurement.</param>
    /// <param name="cancellationToken">Stops early.</param>
    public static async Task<ActorThroughputResult> MeasureAsync(RunSpec spec, int actors, int envsPerActor, TimeSpan duration,
        Func<RunSpec, ActorAlgorithmSettings, IActorAlgorithm>? factory = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(actors, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(envsPerActor, 1);
        factory ??= ActorAlgorithms.Create;
        time ??= TimeProvider.System;

        // Build and warm every actor first (JIT, first allocations), then start the clock for all at once.
        var algorithms = new IActorAlgorithm[actors];
        for (int i = 0; i < actors; i++)
        {
            string id = $"throughput/{i}";
            algorithms[i] = factory(spec, new ActorAlgorithmSettings(id, ActorSeed.Derive(spec.Seed, id), envsPerActor));
            algorithms[i].Collect(0);
        }
        try
        {
            using var start = new Barrier(actors + 1);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var steps = new long[actors];
            var threads = new Thread[actors];
            for (int i = 0; i < actors; i++)
            {
                int index = i;
                threads[i] = new Thread(() =>
                {
                    start.SignalAndWait(CancellationToken.None);
                    long taken = 0;
                    while (!stop.IsCancellationRequested) taken += algorithms[index].Collect(0).EnvSteps;
                    steps[index] = taken;
                })
                { IsBackground = true, Name = $"throughput {i}" };
                threads[i].Start();
            }
            start.SignalAndWait(CancellationToken.None);
            long began = time.GetTimestamp();
            try
            {
                await Task.Delay(duration, time, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                foreach (Thread thread in threads) thread.Join();
            }
            // Threads finish the fragment in hand after the stop: the clock runs until the last one is done.
            TimeSpan elapsed = time.GetElapsedTime(began);
            return new ActorThroughputResult(steps.Sum(), elapsed, actors, envsPerActor);
        }
        finally
        {
            foreach (IActorAlgorithm algorithm in algorithms) algorithm.Dispose();
        }
    }
}

/// <summary>What <see cref="ActorThroughput.MeasureAsync"/> measured.</summary>
/// <param name="EnvSteps">Environment steps taken by all actors.</param>
/// <param name="Elapsed">Wall time from the common start until every actor stopped.</param>
/// <param name="Actors">Actor threads.</param>
/// <param name="EnvsPerActor">Environments per actor.</param>
public sealed record ActorThroughputResult(long EnvSteps, TimeSpan Elapsed, int Actors, int EnvsPerActor)
{
    /// <summary>Env steps per second, all actors together.</summary>
    public double StepsPerSecond => Elapsed > TimeSpan.Zero ? EnvSteps / Elapsed.TotalSeconds : 0;
}
