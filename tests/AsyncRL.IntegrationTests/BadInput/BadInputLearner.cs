using System.Globalization;
using AsyncRL.Contracts.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

using LearnerClient = AsyncRL.Contracts.V1.Learner.LearnerClient;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>The bad-input test classes share one learner process and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BadInputCollection : ICollectionFixture<BadInputLearner>
{
    public const string Name = "bad input against one learner process";
}

/// <summary>
/// One <c>asyncrl learner</c> process (PPO on CartPole, token required, short message-stall timeout) exporting its
/// metrics to a <see cref="MetricsReceiver"/>, and a well-behaved client. Every ACCEPTED ack a test receives is
/// tallied here, so <see cref="AssertStillServingAsync"/> can check after each bad input that a good client is still
/// served and that the learner's own accepted count is exactly the tally: nothing accepted was lost or doubled.
/// </summary>
public sealed class BadInputLearner : IAsyncLifetime
{
    public const string Token = "bad-input-token";

    /// <summary>The learner's --message-stall-timeout.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The learner's --max-concurrent-calls: above HTTP/2's 1000 streams per connection, so both bounds can be seen.</summary>
    public const int MaxConcurrentCalls = 1500;

    private long _accepted;
    private int _nodes;
    private RunDirectory _run = null!;

    internal CliProcess Process { get; private set; } = null!;

    internal MetricsReceiver Metrics { get; private set; } = null!;

    internal CartPoleBatches Batches { get; } = new();

    /// <summary>The learner's gRPC address.</summary>
    public Uri Address { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>Calls that carry the token.</summary>
    public CallInvoker Invoker { get; private set; } = null!;

    public LearnerClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Metrics = await MetricsReceiver.StartAsync();
        _run = RunDirectory.CreateTemp("bad-input");
        Address = new Uri($"http://127.0.0.1:{CliProcess.FreePort()}");
        // Updates never come (rows per update out of reach): the process only takes batches in, which is what is tested.
        Process = await LearnerProcess.StartAsync(Metrics, "--listen", Address.ToString().TrimEnd('/'), "--out", _run.Path, "--token", Token,
            "--no-early-stop", "--steps", "100000000", "--rows-per-update", "1000000", "--checkpoint-interval", "0",
            "--message-stall-timeout", StallTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "--max-concurrent-calls", MaxConcurrentCalls.ToString(CultureInfo.InvariantCulture));
        Channel = GrpcChannel.ForAddress(Address);
        Invoker = Channel.Intercept(WithToken);
        Client = new LearnerClient(Invoker);
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        Process.Dispose();
        await Metrics.DisposeAsync();
        _run.Dispose();
    }

    /// <summary>Adds the learner's token to a call's headers.</summary>
    public static Metadata WithToken(Metadata metadata)
    {
        metadata.Add("authorization", "Bearer " + Token);
        return metadata;
    }

    /// <summary>What the learner printed so far, for failure messages.</summary>
    public string Output() => Process.Output;

    /// <summary>A fresh node id (registrations live for the whole process, so each test takes its own).</summary>
    public string NewNodeId(string purpose) => $"{purpose}-{Interlocked.Increment(ref _nodes)}";

    public Task<RegisterReply> RegisterAsync(string nodeId, uint actors = 1) =>
        Client.RegisterAsync(new RegisterRequest { NodeId = nodeId, ActorCount = actors, EnvsPerActor = 4 }).ResponseAsync.WaitAsync(Eventually.Wait);

    /// <summary>Sends <paramref name="batches"/> on one PushSamples stream, one ack at a time; the acks (ACCEPTED ones tallied).</summary>
    public async Task<IReadOnlyList<PushAck>> PushAsync(params SampleBatch[] batches)
    {
        using var call = Client.PushSamples();
        var acks = new List<PushAck>();
        foreach (var batch in batches)
        {
            await call.RequestStream.WriteAsync(batch).WaitAsync(Eventually.Wait);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait), $"the stream ended before the ack of seq {batch.Seq}");
            acks.Add(call.ResponseStream.Current);
            Tally(call.ResponseStream.Current);
        }
        await call.RequestStream.CompleteAsync().WaitAsync(Eventually.Wait);
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait), "an ack came with no batch");
        return acks;
    }

    /// <summary>Counts an ack a test received on its own stream.</summary>
    public void Tally(PushAck ack)
    {
        if (ack.Status == AckStatus.Accepted) Interlocked.Increment(ref _accepted);
    }

    /// <summary>
    /// The guarantees after any bad input: the process runs, a new node registers and gets a valid batch accepted,
    /// and the learner's accepted count (its exported <c>asyncrl.learner.batches{status=accepted}</c>) is exactly the
    /// number of ACCEPTED acks the tests received.
    /// </summary>
    public async Task AssertStillServingAsync()
    {
        Assert.False(Process.HasExited, "the learner exited:\n" + Output());
        var registered = await RegisterAsync(NewNodeId("after"));
        var ack = Assert.Single(await PushAsync(Batches.Next(registered.RunId, registered.ActorIds[0], registered.NextSeqs[0])));
        Assert.Equal(AckStatus.Accepted, ack.Status);
        long expected = Interlocked.Read(ref _accepted);
        await Metrics.WaitForAsync(() => Metrics.Total("asyncrl.learner.batches", ("status", "accepted")) >= expected,
            $"{expected} accepted batches ({Metrics.Describe("asyncrl.learner.batches")})");
        long actual = Metrics.Total("asyncrl.learner.batches", ("status", "accepted"));
        // Taken as the new baseline either way, so one failing test does not fail every later one.
        Interlocked.Exchange(ref _accepted, actual);
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// Waits until the learner serves (almost) no requests (<c>http.server.active_requests</c>): the calls an earlier
    /// test cancelled have ended on the server too, so a test that counts places against a bound starts from zero.
    /// </summary>
    public Task WaitUntilQuietAsync() =>
        Metrics.WaitForAsync(() => Metrics.Has("http.server.active_requests") && Metrics.Total("http.server.active_requests") <= 2,
            $"a quiet learner ({Metrics.Describe("http.server.active_requests")})");

    /// <summary>A counter's exported total now (after the next export, so recent calls are in).</summary>
    public async Task<long> CounterAsync(string metric, params (string Key, string Value)[] tags)
    {
        await Metrics.NextExportAsync();
        return Metrics.Total(metric, tags);
    }

    /// <summary>Waits until a counter has grown by <paramref name="by"/> from <paramref name="before"/>, then checks it grew by exactly that.</summary>
    public async Task AssertCounterGrowsAsync(long before, long by, string metric, params (string Key, string Value)[] tags)
    {
        await Metrics.WaitForAsync(() => Metrics.Total(metric, tags) >= before + by,
            $"{metric}{{{string.Join(",", tags.Select(t => $"{t.Key}={t.Value}"))}}} at {before} + {by} ({Metrics.Describe(metric)})");
        Assert.Equal(before + by, Metrics.Total(metric, tags));
    }
}
