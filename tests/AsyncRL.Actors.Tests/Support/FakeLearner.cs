using System.Collections.Concurrent;
using System.Threading.Channels;
using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using Grpc.Core;

namespace AsyncRL.Actors.Tests.Support;

/// <summary>One batch as the fake learner received it.</summary>
/// <param name="Stream">Which PushSamples call (1, 2, … in order of opening).</param>
/// <param name="Batch">The batch.</param>
/// <param name="SentOnStream">Batches received on that stream so far, this one included: never more than <paramref name="Allowed"/>.</param>
/// <param name="Allowed">Credits granted on that stream so far (initial + every ack's grant).</param>
internal sealed record Received(int Stream, SampleBatch Batch, long SentOnStream, long Allowed);

/// <summary>
/// A scripted learner: real wire, no learning. It publishes versions on demand, stores and de-duplicates
/// batches on (actor id, seq), and lets a test hold acks, reject, drop streams, corrupt weights or end the run.
/// </summary>
internal sealed class FakeLearner : Learner.LearnerBase
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, (byte[] Blob, ParameterInfo[] Layout)> _versions = [];
    private readonly ConcurrentDictionary<(string, ulong), bool> _stored = new();
    private readonly List<PushStream> _streams = [];
    private TaskCompletionSource _published = NewSignal();
    private CancellationTokenSource _drop = new();
    private readonly CancellationTokenSource _finish = new();
    private long _latest = -1;
    private int _streamCount;

    public FakeLearner(RunSpec spec, string runId = "run-1", uint initialCredits = 8)
    {
        Spec = spec;
        RunId = runId;
        InitialCredits = initialCredits;
    }

    public RunSpec Spec { get; }

    public string RunId { get; set; }

    public uint InitialCredits { get; set; }

    /// <summary>Every batch received, in order.</summary>
    public Channel<Received> Batches { get; } = Channel.CreateUnbounded<Received>();

    public ConcurrentQueue<RegisterRequest> Registrations { get; } = new();

    public ConcurrentQueue<long> Fetches { get; } = new();

    /// <summary>Versions written in full on a WatchWeights call, in order.</summary>
    public Channel<long> Watched { get; } = Channel.CreateUnbounded<long>();

    /// <summary>Decides each batch's ack (default: accept, or duplicate when already stored). Null: use the default.</summary>
    public Func<SampleBatch, AckStatus?>? Verdict { get; set; }

    /// <summary>The next seq Register announces for an actor id (none announced when null).</summary>
    public Func<string, ulong>? NextSeq { get; set; }

    /// <summary>Queue acks until <see cref="ReleaseAcks"/> instead of answering at once.</summary>
    public bool HoldAcks { get; set; }

    /// <summary>Changes a version's layout or bytes before it is sent (CRC and shape tests).</summary>
    public Func<WeightsChunk, WeightsChunk>? Tamper { get; set; }

    public long Latest
    {
        get { lock (_gate) return _latest; }
    }

    public void Publish(long version, ParameterInfo[]? layout = null)
    {
        var model = new ActorCritic(4, 2, PpoRunSpec.Hidden(Spec), new Generator((ulong)version + 1));
        var (blob, parameters) = ModuleWeights.Pack(model, WeightsEncoding.F32);
        lock (_gate)
        {
            _versions[version] = (blob, layout ?? parameters);
            _latest = Math.Max(_latest, version);
            _published.TrySetResult();
            _published = NewSignal();
        }
    }

    /// <summary>Sends every held ack.</summary>
    public void ReleaseAcks()
    {
        lock (_gate)
        {
            foreach (PushStream stream in _streams) stream.ReleaseHeld();
        }
    }

    /// <summary>Ends every open PushSamples call with UNAVAILABLE (the learner's side of a broken connection).</summary>
    public void DropStreams()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            old = _drop;
            _drop = new CancellationTokenSource();
        }
        old.Cancel();
    }

    /// <summary>Ends open calls with OK and the run-finished trailer; later calls get FAILED_PRECONDITION.</summary>
    public void FinishRun() => _finish.Cancel();

    public override Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context)
    {
        ThrowIfFinished();
        Registrations.Enqueue(request);
        var reply = new RegisterReply { RunId = RunId, Run = Spec, InitialCredits = InitialCredits, LatestPolicyVersion = Math.Max(0, Latest) };
        for (int i = 0; i < request.ActorCount; i++) reply.ActorIds.Add($"{request.NodeId}/{i}");
        if (NextSeq is { } next) reply.NextSeqs.AddRange(reply.ActorIds.Select(next));
        return Task.FromResult(reply);
    }

    public override async Task PushSamples(IAsyncStreamReader<SampleBatch> batches, IServerStreamWriter<PushAck> acks, ServerCallContext context)
    {
        ThrowIfFinished();
        CancellationToken drop;
        PushStream stream;
        lock (_gate)
        {
            drop = _drop.Token;
            stream = new PushStream(++_streamCount, InitialCredits, acks, this);
            _streams.Add(stream);
        }
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, drop, _finish.Token);
        Task writer = stream.WriteLoopAsync(ended.Token);
        try
        {
            await foreach (SampleBatch batch in batches.ReadAllAsync(ended.Token))
            {
                stream.OnBatch(batch);
            }
            await Task.Delay(Timeout.Infinite, ended.Token); // the actor never ends its stream; wait for a script event
        }
        catch (OperationCanceledException) when (_finish.IsCancellationRequested)
        {
            context.ResponseTrailers.Add("asyncrl-run-finished", "true");
        }
        catch (OperationCanceledException) when (drop.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "stream dropped by the test"));
        }
        finally
        {
            stream.Complete();
            await writer.ContinueWith(static _ => { }, TaskScheduler.Default);
            lock (_gate) _streams.Remove(stream);
        }
    }

    public override async Task WatchWeights(WatchWeightsRequest request, IServerStreamWriter<WeightsChunk> chunks, ServerCallContext context)
    {
        ThrowIfFinished();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _finish.Token);
        long sent = request.AfterVersion;
        try
        {
            while (true)
            {
                Task published;
                long latest;
                lock (_gate) (published, latest) = (_published.Task, _latest);
                if (latest > sent)
                {
                    await SendAsync(latest, chunks, ended.Token);
                    Watched.Writer.TryWrite(latest);
                    sent = latest;
                }
                await published.WaitAsync(ended.Token);
            }
        }
        catch (OperationCanceledException) when (_finish.IsCancellationRequested)
        {
            context.ResponseTrailers.Add("asyncrl-run-finished", "true");
        }
    }

    public override async Task GetWeights(GetWeightsRequest request, IServerStreamWriter<WeightsChunk> chunks, ServerCallContext context)
    {
        ThrowIfFinished();
        long version = request.SelectorCase switch
        {
            GetWeightsRequest.SelectorOneofCase.Version => request.Version,
            GetWeightsRequest.SelectorOneofCase.Latest => Latest,
            _ => Math.Max(0, Latest - request.BehindLatest),
        };
        Fetches.Enqueue(version);
        lock (_gate)
        {
            if (!_versions.ContainsKey(version)) throw new RpcException(new Status(StatusCode.NotFound, $"v{version} is not retained"));
        }
        await SendAsync(version, chunks, context.CancellationToken);
    }

    private async Task SendAsync(long version, IServerStreamWriter<WeightsChunk> chunks, CancellationToken cancellationToken)
    {
        (byte[] Blob, ParameterInfo[] Layout) weights;
        lock (_gate) weights = _versions[version];
        foreach (WeightsChunk chunk in WeightsChunks.Split(version, WeightsEncoding.F32, weights.Blob, weights.Layout, maxChunkBytes: 1024))
        {
            await chunks.WriteAsync(Tamper?.Invoke(chunk) ?? chunk, cancellationToken);
        }
    }

    private AckStatus Decide(SampleBatch batch)
    {
        if (Verdict?.Invoke(batch) is { } verdict) return verdict;
        return _stored.TryAdd((batch.ActorId, batch.Seq), true) ? AckStatus.Accepted : AckStatus.Duplicate;
    }

    private void ThrowIfFinished()
    {
        if (_finish.IsCancellationRequested) throw new RpcException(new Status(StatusCode.FailedPrecondition, "run finished"));
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One PushSamples call: counts credits, writes acks from one loop (writes must not overlap).</summary>
    private sealed class PushStream(int index, uint initialCredits, IServerStreamWriter<PushAck> acks, FakeLearner learner)
    {
        private readonly Channel<PushAck> _outbox = Channel.CreateUnbounded<PushAck>();
        private readonly List<PushAck> _held = [];
        private long _received;
        private long _allowed = initialCredits;

        public void OnBatch(SampleBatch batch)
        {
            long received = Interlocked.Increment(ref _received);
            learner.Batches.Writer.TryWrite(new Received(index, batch, received, Interlocked.Read(ref _allowed)));
            AckStatus status = learner.Decide(batch);
            var ack = new PushAck { Seq = batch.Seq, Status = status, Credits = 1, LearnerPolicyVersion = Math.Max(0, learner.Latest) };
            if (status == AckStatus.Rejected)
            {
                ack.Code = (int)StatusCode.InvalidArgument;
                ack.Reason = "column 'obs': scripted rejection";
            }
            lock (_held)
            {
                if (learner.HoldAcks)
                {
                    _held.Add(ack);
                    return;
                }
            }
            Send(ack);
        }

        public void ReleaseHeld()
        {
            lock (_held)
            {
                foreach (PushAck ack in _held) Send(ack);
                _held.Clear();
            }
        }

        public async Task WriteLoopAsync(CancellationToken cancellationToken)
        {
            await foreach (PushAck ack in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                await acks.WriteAsync(ack, cancellationToken);
            }
        }

        public void Complete() => _outbox.Writer.TryComplete();

        private void Send(PushAck ack)
        {
            Interlocked.Add(ref _allowed, ack.Credits);
            _outbox.Writer.TryWrite(ack);
        }
    }
}
