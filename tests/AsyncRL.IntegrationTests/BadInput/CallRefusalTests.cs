using System.IO.Compression;
using AsyncRL.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

using LearnerClient = AsyncRL.Contracts.V1.Learner.LearnerClient;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// Calls the learner process refuses as a whole: malformed, cut, compressed wrongly, oversized, unauthenticated,
/// unknown, or with arguments out of range. Each gets its gRPC status and a precise message, is counted under
/// <c>asyncrl.rpc.server.calls</c> by method and status, and the learner goes on serving.
/// </summary>
[Collection(BadInputCollection.Name)]
public sealed class CallRefusalTests(BadInputLearner learner) : IDisposable
{
    private const string Calls = "asyncrl.rpc.server.calls";
    private readonly HttpClient _http = RawCall.CreateClient();

    public void Dispose() => _http.Dispose();

    private static readonly byte[] GoodRegister = new RegisterRequest { NodeId = "raw-node", ActorCount = 1 }.ToByteArray();

    public static TheoryData<string> FramingCases() =>
    [
        "malformed protobuf", "wrong field wire type", "truncated message", "compressed flag without grpc-encoding", "unsupported grpc-encoding",
        "gzip bomb", "announced length over the limit", "wrong content-type",
    ];

    [Theory]
    [MemberData(nameof(FramingCases))]
    public async Task BadFraming_OnRegister_IsRefusedWithItsStatus_Counted_AndTheLearnerKeepsServing(string name)
    {
        var (body, headers, contentType, httpStatus, status, message) = name switch
        {
            // A length-delimited field running past the end of the message.
            "malformed protobuf" => Refused(RawCall.Frame([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]), StatusCode.InvalidArgument, "malformed RegisterRequest"),
            // actor_count (field 2, a varint) sent as a string: skipped as an unknown field, so actor_count is 0.
            "wrong field wire type" => Refused(RawCall.Frame([0x0A, 0x01, (byte)'w', 0x12, 0x01, (byte)'3']), StatusCode.InvalidArgument, "actor_count 0 is outside [1, 4096]"),
            // The prefix announces the whole message; the stream ends three bytes short.
            "truncated message" => Refused(RawCall.Frame(GoodRegister)[..^3], StatusCode.Internal, "Incomplete message"),
            "compressed flag without grpc-encoding" => Refused(RawCall.Frame(GoodRegister, compressed: true), StatusCode.Internal,
                "Request did not include grpc-encoding value with compressed message"),
            "unsupported grpc-encoding" => Refused(RawCall.Frame(GoodRegister, compressed: true), StatusCode.Unimplemented,
                "Unsupported grpc-encoding value 'snappy'", headers: [("grpc-encoding", "snappy")]),
            // 64 KiB of gzip that inflates to 64 MiB, four times the learner's 16 MiB message limit.
            "gzip bomb" => Refused(RawCall.Frame(GzipBomb(64 << 20), compressed: true), StatusCode.ResourceExhausted,
                "Received message exceeds the maximum configured message size", headers: [("grpc-encoding", "gzip")]),
            // A 5-byte prefix that announces 100 MiB: refused on the prefix alone, nothing buffered.
            "announced length over the limit" => Refused(RawCall.Frame([1, 2, 3], announcedLength: 100 << 20), StatusCode.ResourceExhausted,
                "Received message exceeds the maximum configured message size"),
            "wrong content-type" => Refused(RawCall.Frame(GoodRegister), StatusCode.Internal, "Content-Type 'application/json' is not supported",
                contentType: "application/json", httpStatus: 415),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        long before = await learner.CounterAsync(Calls, ("rpc.method", "/asyncrl.v1.Learner/Register"), ("rpc.grpc.status_code", Code(status)));

        var answer = await RawCall.SendAsync(_http, RawCall.Request(learner.Address, "Register", new ByteArrayContent(body), contentType, headers: headers));

        Assert.Equal(httpStatus, answer.HttpStatus);
        Assert.Equal(Code(status), answer.GrpcStatus);
        Assert.Contains(message, answer.GrpcMessage, StringComparison.Ordinal);
        await learner.AssertCounterGrowsAsync(before, 1, Calls, ("rpc.method", "/asyncrl.v1.Learner/Register"), ("rpc.grpc.status_code", Code(status)));
        await learner.AssertStillServingAsync();
    }

    [Fact]
    public async Task MalformedMessage_MidStream_EndsThatStream_InvalidArgument_TheBatchesBeforeItStayAccepted()
    {
        var registered = await learner.RegisterAsync(learner.NewNodeId("midstream"));
        using var call = learner.Invoker.AsyncDuplexStreamingCall(RawCall.PushSamplesBytes, null, default);

        await call.RequestStream.WriteAsync(learner.Batches.Next(registered.RunId, registered.ActorIds[0], 1).ToByteArray()).WaitAsync(Eventually.Wait);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait));
        var accepted = call.ResponseStream.Current;
        learner.Tally(accepted);
        await call.RequestStream.WriteAsync([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]).WaitAsync(Eventually.Wait);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait));

        Assert.Equal(AckStatus.Accepted, accepted.Status);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("malformed SampleBatch", error.Status.Detail, StringComparison.Ordinal);
        await learner.AssertStillServingAsync();
    }

    [Fact]
    public async Task OversizedBatch_IsResourceExhausted_NothingOfItStored()
    {
        var registered = await learner.RegisterAsync(learner.NewNodeId("oversized"));
        var batch = learner.Batches.Next(registered.RunId, registered.ActorIds[0], 1);
        batch.Columns["padding"] = new Tensor { Dtype = DType.Uint8, Shape = { 17 << 20 }, Data = ByteString.CopyFrom(new byte[17 << 20]) };
        long before = await learner.CounterAsync(Calls, ("rpc.method", "/asyncrl.v1.Learner/PushSamples"), ("rpc.grpc.status_code", Code(StatusCode.ResourceExhausted)));

        using var call = learner.Client.PushSamples();
        try
        {
            await call.RequestStream.WriteAsync(batch).WaitAsync(Eventually.Wait);
        }
        catch (RpcException)
        {
            // the learner may end the call while the client still sends; the status comes with the read
        }
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await learner.AssertCounterGrowsAsync(before, 1, Calls, ("rpc.method", "/asyncrl.v1.Learner/PushSamples"), ("rpc.grpc.status_code", Code(StatusCode.ResourceExhausted)));
        await learner.AssertStillServingAsync();
    }

    public static TheoryData<string> TokenCases() => ["no authorization header", "wrong token", "not a bearer token"];

    [Theory]
    [MemberData(nameof(TokenCases))]
    public async Task BadToken_IsUnauthenticated_BeforeAnyHandlerRuns(string name)
    {
        var (header, message) = name switch
        {
            "no authorization header" => ((string?)null, "missing bearer token"),
            "wrong token" => ("Bearer not-the-token", "invalid bearer token"),
            "not a bearer token" => ("Basic dXNlcjpwYXNz", "authorization is not a bearer token"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        string nodeId = learner.NewNodeId("intruder");
        var headers = new Metadata();
        if (header is not null) headers.Add("authorization", header);
        long before = await learner.CounterAsync(Calls, ("rpc.method", "/asyncrl.v1.Learner/Register"), ("rpc.grpc.status_code", Code(StatusCode.Unauthenticated)));

        var client = new LearnerClient(learner.Channel); // no token of its own
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.RegisterAsync(new RegisterRequest { NodeId = nodeId, ActorCount = 1 }, headers).ResponseAsync.WaitAsync(Eventually.Wait));
        // Had Register run, this node's actor would be known: its batch is refused as a stranger's instead.
        var stray = Assert.Single(await learner.PushAsync(learner.Batches.Next((await learner.RegisterAsync(learner.NewNodeId("witness"))).RunId, nodeId + "/0", 1)));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
        Assert.Contains("was not given out by Register", stray.Reason, StringComparison.Ordinal);
        await learner.AssertCounterGrowsAsync(before, 1, Calls, ("rpc.method", "/asyncrl.v1.Learner/Register"), ("rpc.grpc.status_code", Code(StatusCode.Unauthenticated)));
        await learner.AssertStillServingAsync();
    }

    [Theory]
    [InlineData("asyncrl.v1.Learner", "NoSuchMethod")]
    [InlineData("asyncrl.v9.Trainer", "Register")]
    public async Task UnknownMethodOrService_IsUnimplemented(string service, string name)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, service, name, Marshallers.Create((byte[] b) => b, b => b), Marshallers.Create((byte[] b) => b, b => b));
        long before = await learner.CounterAsync(Calls, ("rpc.method", $"/{service}/{name}"), ("rpc.grpc.status_code", Code(StatusCode.Unimplemented)));

        var error = await Assert.ThrowsAsync<RpcException>(() => learner.Invoker.AsyncUnaryCall(method, null, default, GoodRegister).ResponseAsync.WaitAsync(Eventually.Wait));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        await learner.AssertCounterGrowsAsync(before, 1, Calls, ("rpc.method", $"/{service}/{name}"), ("rpc.grpc.status_code", Code(StatusCode.Unimplemented)));
        await learner.AssertStillServingAsync();
    }

    public static TheoryData<string> RegisterCases() =>
        ["empty node_id", "node_id with a slash", "node_id of 300 characters", "actor_count 0", "actor_count 5000", "envs_per_actor 2^32-1"];

    [Theory]
    [MemberData(nameof(RegisterCases))]
    public async Task RegisterOutOfRange_IsInvalidArgument_AndRegistersNothing(string name)
    {
        var (request, message) = name switch
        {
            "empty node_id" => (new RegisterRequest { ActorCount = 1 }, "node_id is empty"),
            "node_id with a slash" => (new RegisterRequest { NodeId = "a/b", ActorCount = 1 }, "contains '/'"),
            "node_id of 300 characters" => (new RegisterRequest { NodeId = new string('n', 300), ActorCount = 1 }, "node_id is 300 characters long; the limit is 253"),
            "actor_count 0" => (new RegisterRequest { NodeId = "zero", ActorCount = 0 }, "actor_count 0 is outside [1, 4096]"),
            "actor_count 5000" => (new RegisterRequest { NodeId = "crowd", ActorCount = 5000 }, "actor_count 5000 is outside [1, 4096]"),
            "envs_per_actor 2^32-1" => (new RegisterRequest { NodeId = "wide", ActorCount = 1, EnvsPerActor = uint.MaxValue }, "envs_per_actor 4294967295 is more than 65536"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        long before = await learner.CounterAsync(Calls, ("rpc.method", "/asyncrl.v1.Learner/Register"), ("rpc.grpc.status_code", Code(StatusCode.InvalidArgument)));

        var error = await Assert.ThrowsAsync<RpcException>(() => learner.Client.RegisterAsync(request).ResponseAsync.WaitAsync(Eventually.Wait));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(message, error.Status.Detail, StringComparison.Ordinal);
        await learner.AssertCounterGrowsAsync(before, 1, Calls, ("rpc.method", "/asyncrl.v1.Learner/Register"), ("rpc.grpc.status_code", Code(StatusCode.InvalidArgument)));
        await learner.AssertStillServingAsync();
    }

    public static TheoryData<string> WeightsCases() =>
        ["no selector", "negative version", "version not published yet", "unknown encoding", "watch with an unknown encoding"];

    [Theory]
    [MemberData(nameof(WeightsCases))]
    public async Task WeightsRequestOutOfRange_IsRefusedWithItsStatus(string name)
    {
        var (call, status, message) = name switch
        {
            "no selector" => (Get(new GetWeightsRequest()), StatusCode.InvalidArgument, "selector is not set"),
            "negative version" => (Get(new GetWeightsRequest { Version = -3 }), StatusCode.InvalidArgument, "version -3 is negative"),
            "version not published yet" => (Get(new GetWeightsRequest { Version = 1_000_000 }), StatusCode.NotFound, "policy version 1000000 is not published yet (latest is 0)"),
            "unknown encoding" => (Get(new GetWeightsRequest { Latest = true, Encoding = (WeightsEncoding)9 }), StatusCode.InvalidArgument, "weights encoding 9 is not supported"),
            "watch with an unknown encoding" => (learner.Client.WatchWeights(new WatchWeightsRequest { Encoding = (WeightsEncoding)9 }), StatusCode.InvalidArgument,
                "weights encoding 9 is not supported"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        using (call)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait));

            Assert.Equal(status, error.StatusCode);
            Assert.Contains(message, error.Status.Detail, StringComparison.Ordinal);
        }
        await learner.AssertStillServingAsync();
    }

    [Fact]
    public async Task ExpiredDeadline_IsDeadlineExceeded_AndCounted()
    {
        const string method = "/asyncrl.v1.Learner/WatchWeights";
        long before = await learner.CounterAsync(Calls, ("rpc.method", method), ("rpc.grpc.status_code", Code(StatusCode.DeadlineExceeded)));

        // A watch outlives any deadline: after version 0 it waits for versions this learner never trains. The deadline is
        // the learner's to enforce: a hand-made grpc-timeout has no client timer behind it.
        var answer = await RawCall.SendAsync(_http, RawCall.Request(learner.Address, "WatchWeights",
            new ByteArrayContent(RawCall.Frame(new WatchWeightsRequest().ToByteArray())), headers: [("grpc-timeout", "300m")]));

        Assert.Equal(Code(StatusCode.DeadlineExceeded), answer.GrpcStatus);
        await learner.AssertCounterGrowsAsync(before, 1, Calls, ("rpc.method", method), ("rpc.grpc.status_code", Code(StatusCode.DeadlineExceeded)));
        await learner.AssertStillServingAsync();
    }

    private static (byte[] Body, (string, string)[] Headers, string ContentType, int HttpStatus, StatusCode Status, string Message) Refused(byte[] body,
        StatusCode status, string message, (string, string)[]? headers = null, string contentType = "application/grpc", int httpStatus = 200) =>
        (body, headers ?? [], contentType, httpStatus, status, message);

    private AsyncServerStreamingCall<WeightsChunk> Get(GetWeightsRequest request) => learner.Client.GetWeights(request);

    private static string Code(StatusCode code) => ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A RegisterRequest whose client_version is <paramref name="size"/> bytes of one letter, gzipped.</summary>
    private static byte[] GzipBomb(int size)
    {
        var message = new RegisterRequest { NodeId = "bomb", ActorCount = 1, ClientVersion = new string('a', size) }.ToByteArray();
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(message);
        return packed.ToArray();
    }
}
