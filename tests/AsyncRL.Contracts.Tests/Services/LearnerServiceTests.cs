using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.V1;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncRL.Contracts.Tests.Services;

public sealed class LearnerServiceTests
{
    [Fact]
    public void LearnerMethods_HandMadeWeightsMethods_MatchTheProtoServiceDescriptor()
    {
        // Arrange
        ServiceDescriptor service = Learner.Descriptor;

        // Assert: a wrong name would be UNIMPLEMENTED at run time, a wrong type a broken stream.
        Assert.Equal(LearnerMethods.ServiceName, service.FullName);
        foreach (IMethod method in new IMethod[] { LearnerMethods.WatchWeights, LearnerMethods.GetWeights })
        {
            MethodDescriptor declared = service.FindMethodByName(method.Name);
            Assert.NotNull(declared);
            Assert.Equal($"/{service.FullName}/{declared.Name}", method.FullName);
            Assert.Equal(declared.IsClientStreaming, method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming);
            Assert.Equal(declared.IsServerStreaming, method.Type is MethodType.ServerStreaming or MethodType.DuplexStreaming);
            Assert.Equal(WeightsChunk.Descriptor, declared.OutputType);
        }
        Assert.Equal(WatchWeightsRequest.Descriptor, service.FindMethodByName("WatchWeights").InputType);
        Assert.Equal(GetWeightsRequest.Descriptor, service.FindMethodByName("GetWeights").InputType);
    }

    [Fact]
    public async Task LearnerService_RegisterPushAndWatch_EndToEnd()
    {
        // Arrange
        var learner = new FakeLearner();
        await using var server = await GrpcTestServer.StartAsync((services, _) => services.AddSingleton(learner), app => app.MapGrpcService<FakeLearner>());
        using var channel = server.CreateChannel();
        var client = new Learner.LearnerClient(channel);
        using var expiry = new CancellationTokenSource(TestTimeouts.Default);

        // Act: register
        RegisterReply registered = await client.RegisterAsync(new RegisterRequest { NodeId = "node-a", ActorCount = 2 }).ResponseAsync.Within();

        // Act: push two batches, one of them invalid
        using var push = client.PushSamples();
        await push.RequestStream.WriteAsync(Batch(registered.ActorIds[0], seq: 1, rows: 4)).Within();
        await push.RequestStream.WriteAsync(Batch(registered.ActorIds[0], seq: 2, rows: 4, corrupt: true)).Within();
        await push.RequestStream.CompleteAsync().Within();
        List<PushAck> acks = await push.ResponseStream.ReadAllAsync().ToListWithin();

        // Act: watch weights, assembling the chunks as messages and, on a second watch, straight from the wire
        using var watch = client.WatchWeights(new WatchWeightsRequest { NodeId = "node-a" });
        var assembler = new WeightsAssembler();
        await foreach (WeightsChunk chunk in watch.ResponseStream.ReadAllAsync(expiry.Token))
        {
            if (assembler.Add(chunk)) break;
        }
        var direct = new WeightsAssembler();
        using var watchInto = channel.CreateCallInvoker().AsyncServerStreamingCall(WeightsStreaming.WatchWeightsInto(direct), null,
            new CallOptions(cancellationToken: expiry.Token), new WatchWeightsRequest { NodeId = "node-a" });
        await foreach (WeightsChunkReceipt receipt in watchInto.ResponseStream.ReadAllAsync(expiry.Token))
        {
            if (receipt.Completed) break;
        }

        // Act: a version the learner no longer holds
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            client.GetWeights(new GetWeightsRequest()).ResponseStream.ReadAllAsync().ToListWithin());

        // Assert
        Assert.Equal("ppo", registered.Run.Algorithm);
        Assert.Equal(0.2, registered.Run.Acting.Fields["clip"].NumberValue);
        Assert.Equal(2, registered.ActorIds.Count);
        Assert.Equal([AckStatus.Accepted, AckStatus.Rejected], acks.Select(a => a.Status));
        Assert.Equal((int)StatusCode.InvalidArgument, acks[1].Code);
        Assert.Contains("column 'obs'", acks[1].Reason, StringComparison.Ordinal);
        Assert.True(acks[0].Credits > 0);
        Assert.Equal(FakeLearner.Weights, TensorCodec.AsFloat32(new Tensor { Dtype = DType.Float32, Shape = { FakeLearner.Weights.Length }, Data = Google.Protobuf.ByteString.CopyFrom(assembler.Blob.Span) }).ToArray());
        Assert.Equal("policy.weight", Assert.Single(assembler.Parameters).Name);
        Assert.Equal(assembler.Blob.ToArray(), direct.Blob.ToArray());
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    private static SampleBatch Batch(string actor, ulong seq, int rows, bool corrupt = false)
    {
        var batch = new SampleBatch
        {
            ActorId = actor,
            Seq = seq,
            PolicyVersion = 3,
            RowCount = (uint)rows,
            EnvSteps = (ulong)rows,
            TraceContext = new TraceContext { Traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        };
        int width = corrupt ? 5 : 4;
        batch.Columns["obs"] = TensorCodec.FromFloat32(new float[rows * width], rows, width);
        batch.Columns["actions"] = TensorCodec.FromInt64(new long[rows], rows);
        batch.FinishedEpisodes.Add(new EpisodeStats { EpisodeReturn = 21, Length = 21, PolicyVersion = 3 });
        return batch;
    }

    /// <summary>A learner that knows one algorithm's schema and one set of weights.</summary>
    private sealed class FakeLearner : Learner.LearnerBase
    {
        public static readonly float[] Weights = Enumerable.Range(0, 300_000).Select(i => i * 0.001f).ToArray();

        public override Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context)
        {
            var reply = new RegisterReply
            {
                RunId = "run-1",
                InitialCredits = 8,
                Run = new RunSpec
                {
                    Algorithm = "ppo",
                    Env = new EnvSpec { Id = "cartpole", AgentCount = 1 },
                    Acting = new Struct { Fields = { ["clip"] = Value.ForNumber(0.2) } },
                    Columns = { new ColumnSpec { Name = "obs", Dtype = DType.Float32, Shape = { 4 } } },
                },
            };
            for (int i = 0; i < request.ActorCount; i++) reply.ActorIds.Add($"{request.NodeId}/{i}");
            return Task.FromResult(reply);
        }

        public override async Task PushSamples(IAsyncStreamReader<SampleBatch> requestStream, IServerStreamWriter<PushAck> responseStream, ServerCallContext context)
        {
            await foreach (SampleBatch batch in requestStream.ReadAllAsync(context.CancellationToken))
            {
                Tensor obs = batch.Columns["obs"];
                bool valid = TensorCodec.TryValidate(obs, out string? error) && obs.Shape.Count == 2 && obs.Shape[1] == 4;
                await responseStream.WriteAsync(valid
                    ? new PushAck { Seq = batch.Seq, Status = AckStatus.Accepted, Credits = 1, LearnerPolicyVersion = 3 }
                    : new PushAck
                    {
                        Seq = batch.Seq,
                        Status = AckStatus.Rejected,
                        Code = (int)StatusCode.InvalidArgument,
                        Reason = $"column 'obs': expected shape [*,4], got [{string.Join(",", obs.Shape)}]{(error is null ? "" : ": " + error)}",
                    });
            }
        }

        public override async Task WatchWeights(WatchWeightsRequest request, IServerStreamWriter<WeightsChunk> responseStream, ServerCallContext context)
        {
            byte[] blob = TensorCodec.FromFloat32(Weights, Weights.Length).Data.ToByteArray();
            ParameterInfo[] layout = [new() { Name = "policy.weight", Shape = { Weights.Length }, Dtype = DType.Float32 }];
            foreach (WeightsChunk chunk in WeightsChunks.Split(1, WeightsEncoding.F32, blob, layout))
            {
                await responseStream.WriteAsync(chunk, context.CancellationToken);
            }
            await Task.Delay(Timeout.Infinite, context.CancellationToken); // a watch stays open for later versions
        }

        public override Task GetWeights(GetWeightsRequest request, IServerStreamWriter<WeightsChunk> responseStream, ServerCallContext context) =>
            throw new RpcException(new Status(StatusCode.NotFound, "no retained version"));
    }
}
