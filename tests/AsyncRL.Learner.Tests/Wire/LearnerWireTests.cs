using System.Diagnostics.Metrics;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace AsyncRL.Learner.Tests.Wire;

/// <summary>The learner's server on grpc-dotnet as a client sees it: statuses at bad calls, limits, health, reflection.</summary>
public sealed class LearnerWireTests
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static b => b, static b => b);

    private static Method<byte[], byte[]> Raw(string service, string name) => new(MethodType.Unary, service, name, Bytes, Bytes);

    [Fact]
    public async Task UnknownMethod_IsUnimplemented_Counted_AndTheServerKeepsServing()
    {
        await using var learner = await LearnerHarness.StartAsync();
        using var calls = new CallCounter(learner.Node.Instrumentation.Meter);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            learner.Invoker.AsyncUnaryCall(Raw("asyncrl.v1.Learner", "NoSuchMethod"), null, default, []).ResponseAsync.Within());
        var reply = await learner.RegisterAsync();

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal(1, calls.Count("/asyncrl.v1.Learner/NoSuchMethod", StatusCode.Unimplemented));
        Assert.Single(reply.ActorIds);
    }

    [Fact]
    public async Task MalformedPayload_IsAnError_NotACrash_AndTheNextCallWorks()
    {
        await using var learner = await LearnerHarness.StartAsync();
        byte[] garbage = [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]; // a length-delimited field that runs past the end

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            learner.Invoker.AsyncUnaryCall(Raw("asyncrl.v1.Learner", "Register"), null, default, garbage).ResponseAsync.Within());
        var reply = await learner.RegisterAsync();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("malformed RegisterRequest", error.Status.Detail, StringComparison.Ordinal);
        Assert.Single(reply.ActorIds);
        Assert.Single(learner.Node.Nodes);
    }

    [Fact]
    public async Task OversizedBatch_IsResourceExhausted_NothingStored_AndTheNextStreamIsAccepted()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { MaxReceiveMessageSize = 64 * 1024, Ppo = LearnerHarness.SmallPpo with { RowsPerUpdate = 1000 } });
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        var huge = fragments.Batch(registered, seq: 1);
        huge.Columns["padding"] = Fragments.Float32(32, 1024); // 128 KiB of floats

        RpcException error;
        await using (var push = new PushStream(learner.Client))
        {
            try
            {
                await push.WriteAsync(huge);
            }
            catch (RpcException)
            {
                // the learner may end the call before the client has finished sending; its status comes with the read
            }
            error = await Assert.ThrowsAsync<RpcException>(() => push.NextAckAsync().Within());
        }
        await using var next = new PushStream(learner.Client);
        var ack = await next.SendAsync(fragments.Batch(registered, seq: 1));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(AckStatus.Accepted, ack.Status);
        Assert.Equal(1, learner.Node.Progress!.AcceptedBatches);
    }

    [Fact]
    public async Task WrongToken_IsUnauthenticated_AndTheHandlerNeverRuns()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { AuthToken = "s3cret" }, clientToken: "wrong");

        var error = await Assert.ThrowsAsync<RpcException>(() => learner.RegisterAsync("intruder"));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Empty(learner.Node.Nodes); // Register would have added the node
    }

    [Fact]
    public async Task ExpiredDeadline_OnAWatch_IsDeadlineExceeded()
    {
        await using var learner = await LearnerHarness.StartAsync();
        var deadline = DateTime.UtcNow.AddMilliseconds(300);

        // A watch outlives any deadline: after version 0 it waits for versions no one trains.
        using var call = learner.Client.WatchWeights(new WatchWeightsRequest { NodeId = "node-a" }, deadline: deadline);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }
        }).Within();

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task ClientGoneMidStream_TheLearnerReleasesItsStream_AndServesTheNext()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { Ppo = LearnerHarness.SmallPpo with { RowsPerUpdate = 1000 } });
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        using (var gone = GrpcChannel.ForAddress(learner.Node.Address!))
        {
            var client = new AsyncRL.Contracts.V1.Learner.LearnerClient(gone);
            await using var push = new PushStream(client);
            Assert.Equal(AckStatus.Accepted, (await push.SendAsync(fragments.Batch(registered, seq: 1))).Status);
            Assert.Equal(1, learner.Node.Nodes.Single().OpenStreams);
        } // the connection closes under the open stream

        await WaitUntilAsync(() => learner.Node.Nodes.Single().OpenStreams == 0);
        await using var again = new PushStream(learner.Client);
        var ack = await again.SendAsync(fragments.Batch(registered, seq: 2));

        Assert.Equal(AckStatus.Accepted, ack.Status);
        Assert.Equal(2, learner.Node.Progress!.AcceptedBatches);
    }

    [Fact]
    public async Task Health_ServingWhileRunning_NotServingOnceTheLearnerDrains()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { HealthPort = 0 });
        using var channel = GrpcChannel.ForAddress(learner.Node.HealthAddress!);
        var health = new Health.HealthClient(channel);
        using var watch = health.Watch(new HealthCheckRequest { Service = "asyncrl.v1.Learner" });
        var statuses = watch.ResponseStream.ReadAllAsync().GetAsyncEnumerator();

        Assert.True(await statuses.MoveNextAsync().AsTask().Within());
        var running = statuses.Current.Status;
        var stopping = learner.Node.StopAsync();
        Assert.True(await statuses.MoveNextAsync().AsTask().Within());
        var drained = statuses.Current.Status;
        await stopping.Within();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, running);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, drained);
    }

    [Fact]
    public async Task Reflection_WhenEnabled_ListsTheLearnerAndHealthServices()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { GrpcReflection = true });
        using var channel = GrpcChannel.ForAddress(learner.Node.Address!);
        var reflection = new ServerReflection.ServerReflectionClient(channel);

        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }).Within();
        await call.RequestStream.CompleteAsync().Within();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("asyncrl.v1.Learner", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task Reflection_ByDefault_IsUnimplemented()
    {
        await using var learner = await LearnerHarness.StartAsync();
        using var channel = GrpcChannel.ForAddress(learner.Node.Address!);
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        }).Within();

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
            await Task.Delay(20, timeout.Token); // the server notices a closed connection on its own schedule
    }

    /// <summary>Counts <c>asyncrl.rpc.server.calls</c> by method and status.</summary>
    private sealed class CallCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), long> _counts = new();

        public CallCounter(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter && instrument.Name == "asyncrl.rpc.server.calls") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string method = "";
                int code = -1;
                foreach (var tag in tags)
                {
                    if (tag.Key == "rpc.method") method = (string)tag.Value!;
                    if (tag.Key == "rpc.grpc.status_code") code = (int)tag.Value!;
                }
                _counts.AddOrUpdate((method, code), value, (_, c) => c + value);
            });
            _listener.Start();
        }

        public long Count(string method, StatusCode code) => _counts.GetValueOrDefault((method, (int)code));

        public void Dispose() => _listener.Dispose();
    }
}
