using Akka.Actor;
using Akka.Configuration;
using AsyncRL.Actors;
using AsyncRL.Actors.Membership;
using AsyncRL.Cluster;
using AsyncRL.Cluster.Membership;
using AsyncRL.Cluster.Messages;
using AsyncRL.Learner;
using Microsoft.Extensions.Logging.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AsyncRL.IntegrationTests;

/// <summary>
/// A learner and actor nodes in one process, each an actor system of its own on loopback: what the cluster
/// refuses (another system, another protocol) and what the learner's view makes of members.
/// </summary>
public sealed class ClusterMembershipTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static LearnerNodeOptions Learner(string outDir) => new()
    {
        OutDir = outDir,
        Listen = "http://127.0.0.1:0",
        Steps = 100_000_000,
        NoEarlyStop = true,
        CheckpointInterval = TimeSpan.Zero,
        Cluster = new ClusterSettings(),
    };

    private static ActorNodeOptions Actor(string seed, string nodeId, string protocol = "asyncrl.v1") => new()
    {
        NodeId = nodeId,
        Actors = 1,
        EnvsPerActor = 4,
        Cluster = new ClusterSettings { Roles = [ClusterRoles.Actor], SeedNodes = [SeedNode.Parse(seed)], Protocol = protocol },
    };

    [Fact]
    public async Task ActorNode_OtherProtocol_IsRefusedWithAClearError_AndTheClusterGoesOnWithoutIt()
    {
        using var run = RunDirectory.CreateTemp("cluster-protocol");
        await using var learner = new LearnerNode(Learner(run.Path));
        await learner.StartAsync();
        string seed = learner.ClusterAddress!;
        using var stop = new CancellationTokenSource(Wait);
        var good = new ActorNode(Actor(seed, "good"));
        Task<ActorNodeOutcome> goodRun = good.RunAsync(stop.Token);
        try
        {
            var refused = await Assert.ThrowsAsync<JoinRefusedException>(() => new ActorNode(Actor(seed, "old", protocol: "asyncrl.v0")).RunAsync(stop.Token));

            Assert.Contains("protocol 'asyncrl.v0', this learner 'asyncrl.v1'", refused.Message, StringComparison.Ordinal);
            await Until(() => good.Stats.BatchesAccepted > 0 && learner.ClusterMembers.Snapshot().Count(m => m.HasRole(ClusterRoles.Actor)) == 1, stop.Token);
            Assert.DoesNotContain(learner.Nodes, n => n.NodeId == "old");
            Assert.Contains(learner.Nodes, n => n.NodeId == "good" && n.Live && n.ClusterStatus == "up");
        }
        finally
        {
            await stop.CancelAsync();
            await goodRun;
        }
    }

    [Fact]
    public async Task SystemOfAnotherName_CannotJoinTheLearnersCluster()
    {
        using var run = RunDirectory.CreateTemp("cluster-foreign");
        await using var learner = new LearnerNode(Learner(run.Path));
        await learner.StartAsync();
        string port = learner.ClusterAddress![(learner.ClusterAddress!.LastIndexOf(':') + 1)..];
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.cluster.seed-nodes = ["akka.tcp://other@127.0.0.1:{{port}}"]
            akka.loglevel = ERROR
            """);
        using var foreign = ActorSystem.Create("other", config);
        bool joined = false;
        AkkaCluster.Get(foreign).RegisterOnMemberUp(() => joined = true);

        // Nothing to wait for but time: the join is never answered.
        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.False(joined);
        MemberInfo only = Assert.Single(learner.ClusterMembers.Snapshot());
        Assert.Equal(learner.ClusterAddress, only.Address);
        Assert.Equal("up", only.Status);
        await foreign.Terminate();
    }

    [Fact]
    public async Task ActorNode_LeavesOnStop_LearnerSeesItRemoved_AndItsLeaseEnds()
    {
        using var run = RunDirectory.CreateTemp("cluster-leave");
        await using var learner = new LearnerNode(Learner(run.Path));
        await learner.StartAsync();
        using var stop = new CancellationTokenSource();
        using var bound = new CancellationTokenSource(Wait);
        var node = new ActorNode(Actor(learner.ClusterAddress!, "leaver"));
        Task<ActorNodeOutcome> running = node.RunAsync(stop.Token);
        await Until(() => node.Stats.BatchesAccepted > 0, bound.Token);
        Assert.Contains(learner.Nodes, n => n.NodeId == "leaver" && n.Live);
        Assert.Equal(1, MembersGauge(learner, ClusterRoles.Actor, "up"));
        Assert.Equal(1, MembersGauge(learner, ClusterRoles.Learner, "up"));

        await stop.CancelAsync(); // what SIGTERM does: CoordinatedShutdown leaves the cluster
        Assert.Equal(ActorNodeOutcome.Cancelled, await running.WaitAsync(bound.Token));

        await Until(() => learner.Nodes.Any(n => n.NodeId == "leaver" && n.ClusterStatus == "removed"), bound.Token);
        Assert.False(learner.Nodes.Single(n => n.NodeId == "leaver").Live);
        Assert.Single(learner.ClusterMembers.Snapshot());
        Assert.Equal(0, MembersGauge(learner, ClusterRoles.Actor, "up"));
    }

    [Fact]
    public async Task LearnerDownedByTheCluster_RejoinsOnTheSameAddress_WhereANewActorNodeFindsIt()
    {
        // Arrange: a learner, and another member that downs it (as the split brain resolver does a member it
        // takes for indirectly connected)
        using var run = RunDirectory.CreateTemp("cluster-learner-downed");
        await using var learner = new LearnerNode(Learner(run.Path));
        await learner.StartAsync();
        string address = learner.ClusterAddress!;
        using var bound = new CancellationTokenSource(Wait);
        await using var other = await ClusterHost.StartAsync(
            new ClusterSettings { Roles = [ClusterRoles.Observer], SeedNodes = [SeedNode.Parse(address)] }, NullLoggerFactory.Instance, bound.Token);
        string otherAddress = other.SelfAddress!.ToString();
        await Until(() => learner.ClusterMembers.Snapshot().Any(m => m.Address == otherAddress && m.Status == "up"), bound.Token);

        // Act: the learner's actor system is downed (and shuts down); once its fresh one no longer knows the other
        // member, an actor node seeds from the learner's address
        AkkaCluster.Get(other.System).Down(Address.Parse(address));
        await Until(() => learner.ClusterMembers.Snapshot().All(m => m.Address != otherAddress), bound.Token);
        using var stop = new CancellationTokenSource();
        var node = new ActorNode(Actor(address, "after-rejoin"));
        Task<ActorNodeOutcome> running = node.RunAsync(stop.Token);

        // Assert: a fresh system on the same address formed the cluster again, and the node joined it and trains
        await Until(() => node.Stats.BatchesAccepted > 0, bound.Token);
        Assert.Equal(address, learner.ClusterAddress);
        Assert.Contains(learner.ClusterMembers.Snapshot(), m => m.HasRole(ClusterRoles.Actor) && m.Status == "up");
        Assert.Contains(learner.Nodes, n => n.NodeId == "after-rejoin" && n.Live && n.ClusterStatus == "up");
        await stop.CancelAsync();
        Assert.Equal(ActorNodeOutcome.Cancelled, await running.WaitAsync(bound.Token));
    }

    /// <summary>What <c>asyncrl.cluster.members</c> reports now for reachable members of a role and status.</summary>
    private static int MembersGauge(LearnerNode learner, string role, string status)
    {
        int total = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == learner.Instrumentation.Meter && instrument.Name == "asyncrl.cluster.members") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(kv => kv.Key, kv => kv.Value);
            if (Equals(t["role"], role) && Equals(t["status"], status) && Equals(t["reachable"], true)) total += value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return total;
    }

    [Fact]
    public void ClusterMessages_CrossProcessesThroughAkkasSerializer()
    {
        using var system = ActorSystem.Create("asyncrl");
        var serialization = system.Serialization;
        object[] messages =
        [
            new FindLearner("node-a", 2, 8, "asyncrl.v1"), new LearnerFound("http://10.0.0.1:5000/", "run-1"), new JoinRefused("why"),
            GetNodeStatus.Instance, DescribeLearner.Instance,
            new NodeStatus("node-a", "run-1", 1000, 2.5, 7, 9, 11, 1, new[] { new RolloutStatus("node-a/0", 1, 5, 2) }),
        ];
        foreach (object message in messages)
        {
            var serializer = serialization.FindSerializerFor(message);
            object back = serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, message.GetType());
            if (message is NodeStatus status)
            {
                var s = Assert.IsType<NodeStatus>(back);
                Assert.Equal(status with { Actors = [] }, s with { Actors = [] });
                Assert.Equal(status.Actors, s.Actors);
                Assert.Equal(2, s.Staleness);
            }
            else
            {
                Assert.Equal(message, back);
            }
        }
    }

    private static async Task Until(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition()) await Task.Delay(100, cancellationToken);
    }
}
