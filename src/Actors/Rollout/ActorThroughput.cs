using System.Diagnostics;
using Akka.Actor;
using AsyncRL.Actors.Rollout;
using AsyncRL.Algorithms;
using AsyncRL.Cluster;
using AsyncRL.Contracts.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsyncRL.Actors;

/// <summary>
/// Actors-only throughput, for the benchmark and the CLI: N actors act with fixed weights (their seeded initial
/// parameters) and build their sample batches exactly as in a run, with no learner and nothing sent. What it
/// measures is the ceiling the rest of the system can only lower. <see cref="ThroughputRuntime.Akka"/> runs them
/// as a node does (Akka actors on the rollout dispatcher, a message per fragment); <see cref="ThroughputRuntime.Threads"/>
/// as plain loops on threads, the floor of any runtime's overhead.
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
    /// <param name="runtime">What the actors run on.</param>
    public static async Task<ActorThroughputResult> MeasureAsync(RunSpec spec, int actors, int envsPerActor, TimeSpan duration,
        Func<RunSpec, ActorAlgorithmSettings, IActorAlgorithm>? factory = null, TimeProvider? time = null, CancellationToken cancellationToken = default,
        ThroughputRuntime runtime = ThroughputRuntime.Akka)
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
            if (runtime == ThroughputRuntime.Akka)
                return await MeasureOnAkkaAsync(algorithms, envsPerActor, duration, time, cancellationToken).ConfigureAwait(false);
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

    private static async Task<ActorThroughputResult> MeasureOnAkkaAsync(IActorAlgorithm[] algorithms, int envsPerActor, TimeSpan duration, TimeProvider time,
        CancellationToken cancellationToken)
    {
        await using var host = await ClusterHost.StartAsync(null, NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
        var counters = algorithms.Select(_ => new FragmentCounter()).ToArray();
        var refs = algorithms.Select((a, i) => host.System.ActorOf(
            Props.Create(() => new CollectingActor(a, counters[i])).WithDispatcher(NodeDispatchers.Rollout), $"throughput-{i}")).ToArray();
        long began = time.GetTimestamp();
        foreach (IActorRef actor in refs) actor.Tell(Collect.Instance);
        try
        {
            await Task.Delay(duration, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (FragmentCounter counter in counters) Volatile.Write(ref counter.Stop, true);
            // Each finishes the fragment in hand; the clock runs until the last one has stopped.
            await Task.WhenAll(refs.Select(r => r.GracefulStop(TimeSpan.FromSeconds(30)))).ConfigureAwait(false);
        }
        TimeSpan elapsed = time.GetElapsedTime(began);
        return new ActorThroughputResult(counters.Sum(c => Volatile.Read(ref c.Steps)), elapsed, algorithms.Length, envsPerActor);
    }

    /// <summary>
    /// What acting on Akka costs per fragment: <see cref="Collect"/> messages per second an actor on the rollout
    /// dispatcher handles when a fragment takes no time at all.
    /// </summary>
    public static async Task<double> MeasureDispatchAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        await using var host = await ClusterHost.StartAsync(null, NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
        var counter = new FragmentCounter();
        var actor = host.System.ActorOf(Props.Create(() => new CollectingActor(null, counter)).WithDispatcher(NodeDispatchers.Rollout), "dispatch");
        long began = Stopwatch.GetTimestamp();
        actor.Tell(Collect.Instance);
        try
        {
            await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref counter.Stop, true);
            await actor.GracefulStop(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        return Volatile.Read(ref counter.Steps) / Stopwatch.GetElapsedTime(began).TotalSeconds;
    }

    private sealed class FragmentCounter
    {
        public long Steps;
        public bool Stop;
    }

    /// <summary>A rollout actor's loop without the sender: a fragment per <see cref="Collect"/>, then the next one queued.</summary>
    private sealed class CollectingActor : UntypedActor
    {
        private readonly IActorAlgorithm? _algorithm;
        private readonly FragmentCounter _counter;

        /// <param name="algorithm">What to collect with; null: nothing (counts messages instead of steps).</param>
        public CollectingActor(IActorAlgorithm? algorithm, FragmentCounter counter) => (_algorithm, _counter) = (algorithm, counter);

        protected override void OnReceive(object message)
        {
            if (message is not Collect || Volatile.Read(ref _counter.Stop)) return;
            Volatile.Write(ref _counter.Steps, _counter.Steps + (_algorithm?.Collect(0).EnvSteps ?? 1));
            Self.Tell(Collect.Instance);
        }
    }
}

/// <summary>What the measured actors run on.</summary>
public enum ThroughputRuntime
{
    /// <summary>Akka actors on the rollout (pinned) dispatcher, one message per fragment: as in a node.</summary>
    Akka,

    /// <summary>A plain loop per thread: no runtime at all.</summary>
    Threads,
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
