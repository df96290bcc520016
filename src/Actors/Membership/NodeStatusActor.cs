using Akka.Actor;
using AsyncRL.Cluster.Messages;

namespace AsyncRL.Actors.Membership;

/// <summary>The node's actor at <see cref="ClusterPaths.ActorNode"/>: answers <c>asyncrl cluster</c> with the node's progress.</summary>
internal sealed class NodeStatusActor : ReceiveActor
{
    public NodeStatusActor(Func<NodeStatus> status) => Receive<GetNodeStatus>(_ => Sender.Tell(status()));

    public static Props Props(Func<NodeStatus> status) => Akka.Actor.Props.Create(() => new NodeStatusActor(status));
}
