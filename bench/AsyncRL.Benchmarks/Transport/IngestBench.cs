using System.Diagnostics;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Learner;
using AsyncRL.Models;
using Grpc.Core;

namespace AsyncRL.Benchmarks.Transport;

/// <summary>What <see cref="IngestBench"/> measured.</summary>
public sealed record IngestResult(int Actors, int RowsPerBatch, double Seconds, long Batches, long Rejected, long Updates, double RowsPerSecond);

/// <summary>
/// Sample ingest on loopback: actor-like PushSamples streams (credit-paced, as src/Actors/Sending does) of real
/// CartPole PPO batches (8 envs × 32 steps, collected once beforehand) into a real <see cref="LearnerNode"/> with
/// the CLI's PPO settings, which decodes, ingests and trains on them. Each batch is stamped with the learner's
/// newest version from the acks, as an actor acting with the newest weights would be. Counts acked rows.
/// </summary>
public static class IngestBench
{
    private const int Envs = 8;
    private const int BatchesPerActor = 32;

    public static async Task<IngestResult> RunAsync(int actors, TimeSpan warmUp, TimeSpan measured)
    {
        var dir = Directory.CreateTempSubdirectory("asyncrl-ingest-bench-");
        try
        {
            var ppo = new PpoOptions { RolloutLength = 32, RowsPerUpdate = 512, Epochs = 1, Minibatches = 8, AnnealLearningRate = false };
            await using var node = new LearnerNode(new LearnerNodeOptions
            {
                OutDir = dir.FullName,
                Ppo = ppo,
                Steps = long.MaxValue / 4,
                NoEarlyStop = true,
                CheckpointInterval = TimeSpan.Zero,
            });
            Uri address = await node.StartAsync().ConfigureAwait(false);
            using var channel = TransportBenchHost.ActorChannel(address);
            var client = new AsyncRL.Contracts.V1.Learner.LearnerClient(channel);
            RegisterReply reply = await client.RegisterAsync(new RegisterRequest { NodeId = "bench", ActorCount = (uint)actors, EnvsPerActor = Envs }).ConfigureAwait(false);
            SampleBatch[][] batches = [.. reply.ActorIds.Select((id, i) => Collect(ppo, id, reply.RunId, seed: (ulong)i + 3))];

            using var stop = new CancellationTokenSource();
            var counters = new Counters();
            Task[] streams = [.. batches.Select(mine => PushAsync(client, mine, reply.InitialCredits, counters, stop.Token))];
            await Task.Delay(warmUp).ConfigureAwait(false);
            long rows0 = Interlocked.Read(ref counters.Rows), batches0 = Interlocked.Read(ref counters.Batches);
            long updates0 = node.Progress?.Updates ?? 0;
            var sw = Stopwatch.StartNew();
            await Task.Delay(measured).ConfigureAwait(false);
            double seconds = sw.Elapsed.TotalSeconds;
            long rows = Interlocked.Read(ref counters.Rows) - rows0, acked = Interlocked.Read(ref counters.Batches) - batches0;
            long updates = (node.Progress?.Updates ?? 0) - updates0;
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (Task stream in streams)
            {
                try
                {
                    await stream.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
                {
                    // Stopped.
                }
            }
            return new IngestResult(actors, (int)batches[0][0].RowCount, seconds, acked, Interlocked.Read(ref counters.Rejected), updates, rows / seconds);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static SampleBatch[] Collect(PpoOptions options, string actorId, string runId, ulong seed)
    {
        var spec = EnvRegistry.SpecOf("cartpole");
        var rng = new Generator(seed);
        var model = new ActorCritic(spec.ObservationSize, spec.ActionCount, options.Hidden, rng);
        var collector = new PpoRolloutCollector(EnvRegistry.CreateVector(spec.Id, Envs, seed), new PpoActingPolicy(model, Envs), rng.Fork(), options.RolloutLength);
        return [.. Enumerable.Range(0, BatchesPerActor).Select(i =>
        {
            var batch = PpoWire.ToBatch(collector.Collect(0), actorId, (ulong)i + 1);
            batch.RunId = runId;
            return batch;
        })];
    }

    /// <summary>One actor's stream: sends while it has credits, each batch under a fresh seq, until cancelled.</summary>
    private static async Task PushAsync(AsyncRL.Contracts.V1.Learner.LearnerClient client, SampleBatch[] batches, uint initialCredits, Counters counters, CancellationToken cancellationToken)
    {
        using var call = client.PushSamples(cancellationToken: cancellationToken);
        var credits = new SemaphoreSlim((int)initialCredits);
        var rowsBySeq = new System.Collections.Concurrent.ConcurrentDictionary<ulong, uint>();
        long version = 0;
        Task reader = Task.Run(async () =>
        {
            await foreach (PushAck ack in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Volatile.Write(ref version, ack.LearnerPolicyVersion);
                if (ack.Credits > 0) credits.Release((int)ack.Credits);
                if (ack.Status == AckStatus.Credit || !rowsBySeq.TryRemove(ack.Seq, out uint rows)) continue;
                if (ack.Status == AckStatus.Accepted)
                {
                    Interlocked.Add(ref counters.Rows, rows);
                    Interlocked.Increment(ref counters.Batches);
                }
                else
                {
                    Interlocked.Increment(ref counters.Rejected);
                }
            }
        }, cancellationToken);
        for (ulong seq = 1; !cancellationToken.IsCancellationRequested; seq++)
        {
            await credits.WaitAsync(cancellationToken).ConfigureAwait(false);
            SampleBatch batch = batches[(int)((seq - 1) % (ulong)batches.Length)];
            batch.Seq = seq; // serialized by WriteAsync before it completes: the message is free again after the await
            batch.PolicyVersion = Volatile.Read(ref version);
            rowsBySeq[seq] = batch.RowCount;
            await call.RequestStream.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        await reader.ConfigureAwait(false);
    }

    private sealed class Counters
    {
        public long Rows;
        public long Batches;
        public long Rejected;
    }
}
