using AsyncRL.Algorithms.Ppo;
using Grpc.Core;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;

namespace AsyncRL.Learner.Tests.Service;

public sealed class RegisterTests
{
    [Fact]
    public async Task Register_NewNode_ReturnsRunSpecActorIdsAndCredits()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { Lag = 2, MaxStaleness = 5, Seed = 11, InitialCredits = 3 });

        var reply = await learner.RegisterAsync("node-a", actors: 2);

        Assert.Equal(learner.Node.RunId, reply.RunId);
        Assert.Equal(["node-a/0", "node-a/1"], reply.ActorIds);
        Assert.Equal(3u, reply.InitialCredits);
        Assert.Equal(0, reply.LatestPolicyVersion);
        Assert.Equal("ppo", reply.Run.Algorithm);
        Assert.Equal("cartpole", reply.Run.Env.Id);
        Assert.Equal(2u, reply.Run.Lag);
        Assert.Equal(5u, reply.Run.MaxStaleness);
        Assert.Equal(11ul, reply.Run.Seed);
        Assert.Equal(8, PpoRunSpec.RolloutLength(reply.Run));
        Assert.Contains(reply.Run.Columns, c => c.Name == "obs");
        Assert.Equal(TimeSpan.FromSeconds(30), reply.Lease.ToTimeSpan());
    }

    [Fact]
    public async Task Register_SameNodeAgain_ReturnsTheSameActorIds()
    {
        await using var learner = await LearnerHarness.StartAsync();

        var first = await learner.RegisterAsync("node-b", actors: 3);
        var again = await learner.RegisterAsync("node-b", actors: 3);

        Assert.Equal(first.ActorIds, again.ActorIds);
        Assert.Equal(first.RunId, again.RunId);
        var node = Assert.Single(learner.Node.Nodes);
        Assert.Equal("node-b", node.NodeId);
        Assert.True(node.Live);
    }

    [Fact]
    public async Task Register_AfterBatches_NextSeqsContinueAboveWhatWasSeen()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { Ppo = LearnerHarness.SmallPpo with { RowsPerUpdate = 1000 } });
        var first = await learner.RegisterAsync("node-c", actors: 2);
        Assert.Equal([1ul, 1ul], first.NextSeqs);
        var fragments = new Fragments();
        await using var push = new PushStream(learner.Client);
        foreach (ulong seq in new ulong[] { 1, 2, 5 })
            Assert.Equal(AckStatus.Accepted, (await push.SendAsync(fragments.Batch(first, seq, actor: 1))).Status);

        // A node restarted under the same id must not reuse seqs the learner has seen: they would be dropped as duplicates.
        var again = await learner.RegisterAsync("node-c", actors: 2);

        Assert.Equal(first.ActorIds, again.ActorIds);
        Assert.Equal([1ul, 6ul], again.NextSeqs);
    }

    [Theory]
    [InlineData("", 1u, "node_id is empty")]
    [InlineData("a/b", 1u, "contains '/'")]
    [InlineData("node", 0u, "actor_count 0")]
    public async Task Register_BadRequest_IsInvalidArgument(string nodeId, uint actors, string reason)
    {
        await using var learner = await LearnerHarness.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            learner.Client.RegisterAsync(new RegisterRequest { NodeId = nodeId, ActorCount = actors }).ResponseAsync.Within());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(reason, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_WithoutTheToken_AreUnauthenticated()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { AuthToken = "s3cret" }, clientToken: "wrong");
        using var good = Grpc.Net.Client.GrpcChannel.ForAddress(learner.Node.Address!);

        var register = await Assert.ThrowsAsync<RpcException>(() => learner.RegisterAsync());
        await using var push = new PushStream(learner.Client);
        var pushError = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await push.WriteAsync(new SampleBatch { ActorId = "x/0", Seq = 1 });
            await push.NextAckAsync().Within();
        });
        var withToken = Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(good.CreateCallInvoker(), metadata => { metadata.Add("authorization", "Bearer s3cret"); return metadata; });
        var reply = await new AsyncRL.Contracts.V1.Learner.LearnerClient(withToken).RegisterAsync(new RegisterRequest { NodeId = "node-a", ActorCount = 1 }).ResponseAsync.Within();

        Assert.Equal(StatusCode.Unauthenticated, register.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, pushError.StatusCode);
        Assert.Single(reply.ActorIds);
    }
}
