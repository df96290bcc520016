using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using AsyncRL.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

using LearnerClient = AsyncRL.Contracts.V1.Learner.LearnerClient;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// What a learner process does with clients that misuse the transport: the wrong protocol on its port, a message that
/// stalls half way, and floods of streams. Each is bounded, answered or cut off with a clear status, counted, and the
/// other clients go on being served.
/// </summary>
[Collection(BadInputCollection.Name)]
public sealed class TransportTests(BadInputLearner learner)
{
    private const string Calls = "asyncrl.rpc.server.calls";
    private const string Refused = "asyncrl.rpc.server.refused";

    [Fact]
    public async Task Http11_OnTheGrpcPort_Answered400ByKestrel_AndCounted()
    {
        long before = await ConnectionsEndedAsync("invalid_http_version");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var request = RawCall.Request(learner.Address, "Register", new ByteArrayContent(RawCall.Frame(new RegisterRequest { NodeId = "h1", ActorCount = 1 }.ToByteArray())),
            version: HttpVersion.Version11);

        var answer = await RawCall.SendAsync(client, request);

        Assert.Equal(400, answer.HttpStatus);
        Assert.Null(answer.GrpcStatus); // no handler ever saw it
        await learner.AssertCounterGrowsAsync(before, 1, "kestrel.connection.duration", ("error.type", "invalid_http_version"), ("server.port", Port));
        await learner.AssertStillServingAsync();
    }

    [Fact]
    public async Task TlsHandshake_OnThePlaintextPort_TheConnectionIsClosed_AndCounted()
    {
        long before = await ConnectionsEndedAsync("invalid_handshake");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, learner.Address.Port).WaitAsync(Eventually.Wait);
        using var tls = new SslStream(tcp.GetStream());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }).WaitAsync(Eventually.Wait));

        Assert.True(error is IOException or System.Security.Authentication.AuthenticationException, error.ToString());
        await learner.AssertCounterGrowsAsync(before, 1, "kestrel.connection.duration", ("error.type", "invalid_handshake"), ("server.port", Port));
        await learner.AssertStillServingAsync();
    }

    [Fact]
    public async Task MessageThatStallsHalfWay_IsCutOffAfterTheStallTimeout_OtherStreamsOnTheConnectionGoOn()
    {
        using var http = RawCall.CreateClient();
        // gRPC calls on the same HttpClient share its connection with the stalled requests.
        using var channel = GrpcChannel.ForAddress(learner.Address, new GrpcChannelOptions { HttpClient = http });
        var client = new LearnerClient(channel.Intercept(BadInputLearner.WithToken));
        var registered = await client.RegisterAsync(new RegisterRequest { NodeId = learner.NewNodeId("stall"), ActorCount = 1 }).ResponseAsync.WaitAsync(Eventually.Wait);
        byte[] message = learner.Batches.Next(registered.RunId, registered.ActorIds[0], 9).ToByteArray();
        byte[] prefixOnly = RawCall.Frame(message)[..5];
        byte[] halfMessage = RawCall.Frame(message)[..(5 + message.Length / 2)];
        const string method = "/asyncrl.v1.Learner/PushSamples";
        long stalls = await learner.CounterAsync("asyncrl.rpc.server.stalled_messages", ("rpc.method", method));
        long deadlines = await learner.CounterAsync(Calls, ("rpc.method", method), ("rpc.grpc.status_code", "4"));

        using var open = client.PushSamples(); // a good stream, open before the stall and after it
        await open.RequestStream.WriteAsync(learner.Batches.Next(registered.RunId, registered.ActorIds[0], 1)).WaitAsync(Eventually.Wait);
        Assert.True(await open.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait));
        learner.Tally(open.ResponseStream.Current);
        var clock = Stopwatch.StartNew();
        var stalled = new[] { prefixOnly, halfMessage }.Select(head => RawCall.SendAsync(http, RawCall.Request(learner.Address, "PushSamples", new StallingContent(head)))).ToArray();
        var answers = await Task.WhenAll(stalled);
        var elapsed = clock.Elapsed;
        await open.RequestStream.WriteAsync(learner.Batches.Next(registered.RunId, registered.ActorIds[0], 2)).WaitAsync(Eventually.Wait);
        Assert.True(await open.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait));
        var afterStall = open.ResponseStream.Current;
        learner.Tally(afterStall);

        Assert.All(answers, a => Assert.Equal("4", a.GrpcStatus)); // DEADLINE_EXCEEDED
        Assert.Contains("request message stalled: 5 bytes of it arrived, then nothing for 2 s", answers[0].GrpcMessage, StringComparison.Ordinal);
        Assert.Contains($"request message stalled: {halfMessage.Length} bytes of it arrived", answers[1].GrpcMessage, StringComparison.Ordinal);
        Assert.True(elapsed >= BadInputLearner.StallTimeout, $"cut off after {elapsed}, before the stall timeout");
        Assert.Equal(AckStatus.Accepted, afterStall.Status);
        await learner.AssertCounterGrowsAsync(stalls, 2, "asyncrl.rpc.server.stalled_messages", ("rpc.method", method));
        await learner.AssertCounterGrowsAsync(deadlines, 2, Calls, ("rpc.method", method), ("rpc.grpc.status_code", "4"));
        await learner.AssertStillServingAsync();
    }

    [Fact]
    public async Task ThousandsOfStreamsFromOneNode_BeyondItsShare_AreRefusedResourceExhausted_OthersAreServed()
    {
        const int streams = 2000;
        await learner.WaitUntilQuietAsync();
        var flood = await learner.RegisterAsync(learner.NewNodeId("flood"));
        int share = 2 * flood.ActorIds.Count + 8; // what one registered node may hold open
        long refusedBefore = await learner.CounterAsync(Refused);
        using var channel = OwnChannel();
        var client = new LearnerClient(channel.Intercept(BadInputLearner.WithToken));
        var template = learner.Batches.Next(flood.RunId, flood.ActorIds[0], 1);
        var calls = new List<AsyncDuplexStreamingCall<SampleBatch, PushAck>>();
        try
        {
            async Task<(PushAck? Ack, RpcException? Error)> OneAsync(int i)
            {
                var call = client.PushSamples();
                lock (calls) calls.Add(call);
                var batch = template.Clone();
                batch.Seq = (ulong)i + 1;
                try
                {
                    await call.RequestStream.WriteAsync(batch);
                    return (await call.ResponseStream.MoveNext(CancellationToken.None) ? call.ResponseStream.Current : null, null);
                }
                catch (RpcException e)
                {
                    return (null, e);
                }
            }
            var outcomes = await Task.WhenAll(Enumerable.Range(0, streams).Select(OneAsync)).WaitAsync(TimeSpan.FromMinutes(3));
            var accepted = outcomes.Where(o => o.Ack is { Status: AckStatus.Accepted }).ToList();
            foreach (var o in accepted) learner.Tally(o.Ack!);
            // While the flood's admitted streams stay open, another node is served.
            await learner.AssertStillServingAsync();

            var refused = outcomes.Where(o => o.Error is not null).Select(o => o.Error!).ToList();
            Assert.Equal(share, accepted.Count);
            Assert.Equal(streams - share, refused.Count);
            Assert.All(refused, e => Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode));
            Assert.Contains(refused, e => e.Status.Detail.Contains($"already holds {share} open streams", StringComparison.Ordinal));
            await learner.AssertCounterGrowsAsync(refusedBefore, streams - share, Refused);
        }
        finally
        {
            foreach (var call in calls) call.Dispose();
        }
        await learner.AssertStillServingAsync();
    }

    [Fact]
    public async Task MoreConcurrentCallsThanTheLearnerTakes_TheExcessIsRefusedAtOnce_AndCounted()
    {
        const int extra = 40, total = BadInputLearner.MaxConcurrentCalls + extra;
        const string method = "/asyncrl.v1.Learner/PushSamples";
        await learner.WaitUntilQuietAsync();
        long before = await learner.CounterAsync(Refused, ("reason", "concurrent_calls"));
        long cancelled = await learner.CounterAsync(Calls, ("rpc.method", method), ("rpc.grpc.status_code", "1"));
        using var channel = OwnChannel();
        var client = new LearnerClient(channel.Intercept(BadInputLearner.WithToken));
        // Each call sends a batch without an actor id: an admitted call answers it (REJECTED) and stays open, holding
        // its place; a refused call ends at once. So every call says which it was.
        var nobody = new SampleBatch { RunId = "any", Seq = 1 };
        var calls = new List<AsyncDuplexStreamingCall<SampleBatch, PushAck>>();
        async Task<RpcException?> HoldAsync()
        {
            var call = client.PushSamples();
            lock (calls) calls.Add(call);
            try
            {
                await call.RequestStream.WriteAsync(nobody);
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
                return null;
            }
            catch (RpcException e)
            {
                return e;
            }
        }
        int admitted;
        try
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, total).Select(_ => HoldAsync())).WaitAsync(TimeSpan.FromMinutes(3));
            var refused = outcomes.OfType<RpcException>().ToList();
            admitted = total - refused.Count;

            Assert.InRange(admitted, BadInputLearner.MaxConcurrentCalls - 5, BadInputLearner.MaxConcurrentCalls); // a call just ended by an earlier test may still hold a place
            Assert.All(refused, e => Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode));
            Assert.All(refused, e => Assert.Contains($"limit of {BadInputLearner.MaxConcurrentCalls} concurrent calls", e.Status.Detail, StringComparison.Ordinal));
            await learner.AssertCounterGrowsAsync(before, refused.Count, Refused, ("reason", "concurrent_calls"));
        }
        finally
        {
            foreach (var call in calls) call.Dispose();
        }
        // The admitted calls, abandoned by their client, are counted as what they were: CANCELLED.
        await learner.AssertCounterGrowsAsync(cancelled, admitted, Calls, ("rpc.method", method), ("rpc.grpc.status_code", "1"));
        await learner.AssertStillServingAsync();
    }

    [Fact]
    public async Task MoreStreamsOnOneConnectionThanHttp2Allows_TheExcessStreamIsRefused_TheConnectionLives()
    {
        await learner.WaitUntilQuietAsync();
        using var h2 = await RawHttp2.ConnectAsync(learner.Address);
        const int open = 1000; // Kestrel's MaxStreamsPerConnection, as the learner sets it
        for (int i = 0; i <= open; i++)
        {
            await h2.OpenAsync(1 + 2 * i, learner.Address, "/asyncrl.v1.Learner/PushSamples",
                ("content-type", "application/grpc"), ("te", "trailers"), ("authorization", "Bearer " + BadInputLearner.Token));
        }
        int excess = 1 + 2 * open;
        uint? advertised = null;
        (int Stream, uint Code)? reset = null;
        using var timeout = new CancellationTokenSource(Eventually.Wait);
        while (reset is null)
        {
            var (type, flags, streamId, payload) = await h2.ReadFrameAsync(timeout.Token);
            if (type == RawHttp2.Settings && (flags & RawHttp2.Ack) == 0)
            {
                for (int at = 0; at + 6 <= payload.Length; at += 6)
                    if (BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(at)) == RawHttp2.MaxConcurrentStreamsSetting)
                        advertised = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(at + 2));
                await h2.AckSettingsAsync();
            }
            Assert.NotEqual(RawHttp2.GoAway, type); // the connection itself is not torn down
            if (type == RawHttp2.RstStream) reset = (streamId, BinaryPrimitives.ReadUInt32BigEndian(payload));
        }

        Assert.Equal((uint)open, advertised);
        Assert.Equal((excess, RawHttp2.RefusedStream), reset);
        h2.Dispose(); // the thousand waiting calls end with the connection
        await learner.AssertStillServingAsync();
    }

    /// <summary>A channel with connections of its own, as many as its streams need.</summary>
    private GrpcChannel OwnChannel() => GrpcChannel.ForAddress(learner.Address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true },
    });

    private string Port => learner.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Task<long> ConnectionsEndedAsync(string errorType) =>
        learner.CounterAsync("kestrel.connection.duration", ("error.type", errorType), ("server.port", Port));
}
