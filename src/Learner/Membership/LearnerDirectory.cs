using Akka.Actor;
using AsyncRL.Cluster.Messages;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AsyncRL.Learner.Membership;

/// <summary>
/// The learner's actor at <see cref="ClusterPaths.Learner"/>: tells an actor node where the gRPC endpoint is, and
/// records which cluster member the node is, so the cluster's verdicts on that member reach the node's lease. A
/// node that speaks another protocol is refused and downed: the cluster goes on without it.
/// </summary>
internal sealed class LearnerDirectory : ReceiveActor
{
    public LearnerDirectory(string grpcAddress, string runId, string protocol, NodeRegistry registry, ILogger logger)
    {
        var cluster = AkkaCluster.Get(Context.System);
        Receive<DescribeLearner>(_ => Sender.Tell(new LearnerFound(grpcAddress, runId)));
        Receive<FindLearner>(hello =>
        {
            Address member = Sender.Path.Address.HasLocalScope ? cluster.SelfAddress : Sender.Path.Address;
            if (!string.Equals(hello.Protocol, protocol, StringComparison.Ordinal))
            {
                string reason = $"it speaks protocol '{hello.Protocol}', this learner '{protocol}'";
                LearnerLog.NodeRefused(logger, member.ToString(), hello.NodeId, reason);
                Sender.Tell(new JoinRefused(reason));
                cluster.Down(member);
                return;
            }
            registry.MemberJoined(hello.NodeId, member.ToString());
            LearnerLog.NodeAnnounced(logger, hello.NodeId, member.ToString());
            Sender.Tell(new LearnerFound(grpcAddress, runId));
        });
    }

    public static Props Props(string grpcAddress, string runId, string protocol, NodeRegistry registry, ILogger logger) =>
        Akka.Actor.Props.Create(() => new LearnerDirectory(grpcAddress, runId, protocol, registry, logger));
}
