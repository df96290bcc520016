using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>
/// Bad sample batches against a learner process: each is answered REJECTED on its open stream with code
/// INVALID_ARGUMENT and a reason naming the fault, counted under <c>asyncrl.learner.batches{status=rejected}</c> with
/// the kind of fault, and the learner goes on serving with nothing it accepted lost.
/// </summary>
[Collection(BadInputCollection.Name)]
public sealed class BatchRejectionTests(BadInputLearner learner)
{
    private sealed record Case(string Reason, string Kind, Action<SampleBatch, RegisterReply> Spoil);

    private static readonly Dictionary<string, Case> Cases = new(StringComparer.Ordinal)
    {
        ["wrong run id"] = new("run_id 'another-run' is not this run's", "run_id", (b, _) => b.RunId = "another-run"),
        ["empty actor id"] = new("actor_id is empty", "actor_id", (b, _) => b.ActorId = ""),
        ["unregistered actor"] = new("actor_id 'stranger/0' was not given out by Register", "actor_id", (b, _) => b.ActorId = "stranger/0"),
        ["actor index beyond its node"] = new("was not given out by Register", "actor_id", (b, r) => b.ActorId = r.ActorIds[0][..^1] + "7"),
        ["seq 0"] = new("seq is 0", "seq", (b, _) => b.Seq = 0),
        ["seq near 2^64"] = new("ahead of this actor's next (1)", "seq", (b, _) => b.Seq = ulong.MaxValue),
        ["row_count 0"] = new("row_count is 0", "schema", (b, _) => b.RowCount = 0),
        ["row_count huge"] = new("row_count 4000000000 exceeds the limit of 65536", "schema", (b, _) => b.RowCount = 4_000_000_000),
        ["row_count disagrees with the columns"] = new("column 'obs': shape [32, 4], expected [31, 4]", "schema", (b, _) => b.RowCount = 31),
        ["unknown column"] = new("unknown column 'extra'", "schema", (b, _) => b.Columns["extra"] = TensorCodec.FromFloat32(new float[32], 32)),
        ["missing column"] = new("missing column 'logp'", "schema", (b, _) => b.Columns.Remove("logp")),
        ["wrong dtype"] = new("column 'reward': dtype Int32, expected Float32", "schema", (b, _) => b.Columns["reward"] = TensorCodec.FromInt32(new int[32], 32)),
        ["unknown dtype enum value"] = new("column 'reward': dtype 99, expected Float32", "schema", (b, _) => b.Columns["reward"].Dtype = (DType)99),
        ["wrong rank"] = new("column 'action': shape [32, 1] has rank 2, expected 1", "schema", (b, _) => b.Columns["action"] = TensorCodec.FromInt32(new int[32], 32, 1)),
        ["tensor data shorter than its shape"] = new("column 'reward': Float32 shape [32] needs 128 bytes, data has 100", "schema",
            (b, _) => b.Columns["reward"].Data = ByteString.CopyFrom(new byte[100])),
        ["negative dimension"] = new("column 'bootstrap_obs': shape [-4,4] has a negative dimension", "schema", (b, _) => b.Columns["bootstrap_obs"].Shape[0] = -4),
        ["shape whose product overflows"] = new("column 'bootstrap_obs': shape [4611686018427387904,4] is too large", "schema",
            (b, _) => b.Columns["bootstrap_obs"].Shape[0] = 1L << 62),
        ["bool byte other than 0 or 1"] = new("column 'terminated': bool data holds a byte other than 0 or 1", "schema",
            (b, _) => b.Columns["terminated"].Data = ByteString.CopyFrom(new byte[] { 2 }.Concat(new byte[31]).ToArray())),
        ["NaN in a float column"] = new("column 'obs': contains NaN or infinity", "schema", (b, _) => b.Columns["obs"] = Floats(128, 4, float.NaN)),
        ["infinity in a float column"] = new("column 'value': contains NaN or infinity", "schema", (b, _) => b.Columns["value"] = Floats(32, 1, float.PositiveInfinity)),
        ["policy version from the future"] = new("policy_version 5 is from the future (learner is at 0)", "schema", (b, _) => b.PolicyVersion = 5),
        ["negative policy version"] = new("policy_version -1 is negative", "schema", (b, _) => b.PolicyVersion = -1),
        ["row versions of the wrong length"] = new("row_policy_versions has 3 entries for 32 rows", "schema", (b, _) => b.RowPolicyVersions.AddRange(new long[3])),
        ["row version out of range"] = new("row policy version 7 is outside [0, 0]", "schema", (b, _) => b.RowPolicyVersions.AddRange(new long[] { 7 }.Concat(new long[31]))),
        ["env_steps out of proportion"] = new("env_steps 18446744073709551615 is more than 1024 per row for 32 rows", "env_steps", (b, _) => b.EnvSteps = ulong.MaxValue),
        ["episode return NaN"] = new("finished_episodes[0].episode_return is not finite", "episodes",
            (b, _) => b.FinishedEpisodes.Add(new EpisodeStats { EpisodeReturn = double.NaN, Length = 3 })),
        ["episode agent return infinite"] = new("finished_episodes[0].agent_returns holds a value that is not finite", "episodes",
            (b, _) => b.FinishedEpisodes.Add(new EpisodeStats { EpisodeReturn = 1, AgentReturns = { double.NegativeInfinity } })),
        ["episode metric NaN"] = new("finished_episodes[0].metrics['success'] is not finite", "episodes",
            (b, _) => b.FinishedEpisodes.Add(new EpisodeStats { EpisodeReturn = 1, Metrics = { ["success"] = double.NaN } })),
        ["episode version from the future"] = new("finished_episodes[0].policy_version 3 is from the future", "episodes",
            (b, _) => b.FinishedEpisodes.Add(new EpisodeStats { EpisodeReturn = 1, PolicyVersion = 3 })),
        ["action outside the action space"] = new("action 7 is outside [0, 2)", "decode", (b, _) => b.Columns["action"] = TensorCodec.FromInt32(Enumerable.Repeat(7, 32).ToArray(), 32)),
        ["bootstrap rows that do not divide the batch"] = new("bootstrap_obs has 5 rows, which does not divide row_count 32", "decode",
            (b, _) => b.Columns["bootstrap_obs"] = Floats(20, 4, 0, 5)),
        ["a 100 000-character column name"] = new("unknown column 'xxxxxxxx", "schema", (b, _) => b.Columns[new string('x', 100_000)] = Floats(32, 1, 0)),
    };

    public static TheoryData<string> Names() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task BadBatch_IsRejectedWithItsReason_Counted_AndTheLearnerKeepsServing(string name)
    {
        var (reason, kind, spoil) = Cases[name];
        var registered = await learner.RegisterAsync(learner.NewNodeId("batch"));
        long before = await learner.CounterAsync("asyncrl.learner.batches", ("status", "rejected"), ("reason", kind));

        var ack = Assert.Single(await learner.PushAsync(learner.Batches.Spoiled(registered, 1, b => spoil(b, registered))));

        Assert.True(ack.Status == AckStatus.Rejected, $"{name}: {ack}");
        Assert.Equal((int)StatusCode.InvalidArgument, ack.Code);
        Assert.Contains(reason, ack.Reason, StringComparison.Ordinal);
        Assert.True(ack.Reason.Length <= 513, $"a reason of {ack.Reason.Length} characters");
        Assert.Equal(1u, ack.Credits); // the credit comes back: the actor is not starved by its own bad batch
        await learner.AssertCounterGrowsAsync(before, 1, "asyncrl.learner.batches", ("status", "rejected"), ("reason", kind));
        await learner.AssertStillServingAsync();
    }

    [Fact]
    public async Task ReplayedSeq_IsDuplicate_NotStoredTwice()
    {
        var registered = await learner.RegisterAsync(learner.NewNodeId("replay"));
        var batch = learner.Batches.Next(registered.RunId, registered.ActorIds[0], 1);
        long duplicates = await learner.CounterAsync("asyncrl.learner.batches", ("status", "duplicate"));

        var first = await learner.PushAsync(batch);
        var again = await learner.PushAsync(batch.Clone(), batch.Clone()); // after a reconnect, and twice on one stream

        Assert.Equal(AckStatus.Accepted, Assert.Single(first).Status);
        Assert.All(again, a => Assert.Equal(AckStatus.Duplicate, a.Status));
        await learner.AssertCounterGrowsAsync(duplicates, 2, "asyncrl.learner.batches", ("status", "duplicate"));
        await learner.AssertStillServingAsync(); // and the accepted count holds the batch once
    }

    [Fact]
    public async Task FieldOfTheWrongWireType_IsSkippedAsUnknown_SoTheBatchLacksIt()
    {
        var registered = await learner.RegisterAsync(learner.NewNodeId("wiretype"));
        var batch = learner.Batches.Next(registered.RunId, registered.ActorIds[0], 0);
        // seq (field 2, a varint) sent as a length-delimited string "5": the parser keeps it as an unknown field.
        byte[] payload = [.. batch.ToByteArray(), 0x12, 0x01, (byte)'5'];

        using var call = learner.Invoker.AsyncDuplexStreamingCall(RawCall.PushSamplesBytes, null, default);
        await call.RequestStream.WriteAsync(payload).WaitAsync(Eventually.Wait);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Eventually.Wait));
        var ack = call.ResponseStream.Current;

        Assert.Equal(AckStatus.Rejected, ack.Status);
        Assert.Contains("seq is 0", ack.Reason, StringComparison.Ordinal);
        await learner.AssertStillServingAsync();
    }

    private static Tensor Floats(int count, int width, float fill, int? rows = null)
    {
        var values = Enumerable.Repeat(fill, count).ToArray();
        return width == 1 ? TensorCodec.FromFloat32(values, count) : TensorCodec.FromFloat32(values, rows ?? count / width, width);
    }
}
