using AsyncRL.Contracts.Tests.Support;
using AsyncRL.Contracts.Transport;
using AsyncRL.Contracts.V1;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace AsyncRL.Contracts.Tests.Services;

public sealed class LearnerServiceTests
{
    [Fact]
    public void LearnerMethods_MatchTheProtoServiceDescriptor()
    {
        ServiceDescriptor service = LearnerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Learner");
        (string Name, MethodType Type, string Path)[] declared =
        [
            ("Register", LearnerMethods.Register.Type, LearnerMethods.Register.FullName),
            ("PushSamples", LearnerMethods.PushSamples.Type, LearnerMethods.PushSamples.FullName),
            ("WatchWeights", LearnerMethods.WatchWeights.Type, LearnerMethods.WatchWeights.FullName),
            ("GetWeights", LearnerMethods.GetWeights.Type, LearnerMethods.GetWeights.FullName),
        ];

        Assert.Equal(service.Methods.Select(m => m.Name).Order(), declared.Select(d => d.Name).Order());
        foreach (var (name, type, path) in declared)
        {
            MethodDescriptor method = service.FindMethodByName(name);
            Assert.Equal($"/{service.FullName}/{name}", path);
            Assert.Equal(method.IsClientStreaming, type is MethodType.ClientStreaming or MethodType.DuplexStreaming);
            Assert.Equal(method.IsServerStreaming, type is MethodType.ServerStreaming or MethodType.DuplexStreaming);
        }
    }

    [Fact]
    public async Task LearnerService_RegisterPushAndWatch_EndToEnd()
    {
        // Arrange
        var learner = new FakeLearner();
        await using var server = await GrpcTestServer.StartAsync(app => app.MapGrpcService(LearnerMethods.BindService(learner)));
        using var channel = server.CreateChannel();
        var client = new LearnerClient(channel);

        // Act: register
        RegisterReply registered = await client.RegisterAsync(new RegisterRequest { NodeId = "node-a", ActorCount = 2 }).Within();

        // Act: push two batches, one of them invalid
        using var push = client.PushSamples();
        await push.RequestStream.WriteAsync(Batch(registered.ActorIds[0], seq: 1, rows: 4)).Within();
        await push.RequestStream.WriteAsync(Batch(registered.ActorIds[0], seq: 2, rows: 4, corrupt: true)).Within();
        await push.RequestStream.CompleteAsync().Within();
        List<PushAck> acks = await push.ResponseStream.ToListWithin();

        // Act: watch weights, assembling the chunks as messages and, on a second watch, straight from the wire
        using var watch = client.WatchWeights(new WatchWeightsRequest { NodeId = "node-a" });
        var assembler = new WeightsAssembler();
        await foreach (WeightsChunk chunk in watch.ResponseStream.WithCancellation(new CancellationTokenSource(TestTimeouts.Default).Token))
        {
            if (assembler.Add(chunk)) break;
        }
        var direct = new WeightsAssembler();
        using var watchInto = channel.ServerStreaming(WeightsStreaming.WatchWeightsInto(direct), new WatchWeightsRequest { NodeId = "node-a" });
        await foreach (WeightsChunkReceipt receipt in watchInto.ResponseStream.WithCancellation(new CancellationTokenSource(TestTimeouts.Default).Token))
        {
            if (receipt.Completed) break;
        }

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
    private sealed class FakeLearner : ILearnerService
    {
        public static readonly float[] Weights = Enumerable.Range(0, 300_000).Select(i => i * 0.001f).ToArray();

        public Task<RegisterReply> RegisterAsync(RegisterRequest request, ServerCallContext context)
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

        public async Task PushSamplesAsync(IAsyncEnumerable<SampleBatch> batches, IServerStreamWriter<PushAck> acks, ServerCallContext context)
        {
            await foreach (SampleBatch batch in batches)
            {
                Tensor obs = batch.Columns["obs"];
                bool valid = TensorCodec.TryValidate(obs, out string? error) && obs.Shape.Count == 2 && obs.Shape[1] == 4;
                await acks.WriteAsync(valid
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

        public async Task WatchWeightsAsync(WatchWeightsRequest request, IServerStreamWriter<WeightsChunk> chunks, ServerCallContext context)
        {
            byte[] blob = TensorCodec.FromFloat32(Weights, Weights.Length).Data.ToByteArray();
            ParameterInfo[] layout = [new() { Name = "policy.weight", Shape = { Weights.Length }, Dtype = DType.Float32 }];
            foreach (WeightsChunk chunk in WeightsChunks.Split(1, WeightsEncoding.F32, blob, layout))
            {
                await chunks.WriteAsync(chunk, context.CancellationToken);
            }
            await Task.Delay(Timeout.Infinite, context.CancellationToken); // a watch stays open for later versions
        }

        public Task GetWeightsAsync(GetWeightsRequest request, IServerStreamWriter<WeightsChunk> chunks, ServerCallContext context) =>
            throw new RpcException(StatusCode.NotFound, "no retained version");
    }
}
