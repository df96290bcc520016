using System.Globalization;
using System.Text;

namespace AsyncRL.Cluster;

/// <summary>
/// The Akka configuration every AsyncRL node shares, as HOCON layered under what Akka.Hosting's typed options
/// set (remoting, roles, seeds): the failure detector, the split brain resolver, the join retries and the
/// dispatcher rollout actors step on.
/// </summary>
internal static class ClusterHocon
{
    public static string For(ClusterSettings? settings)
    {
        var hocon = new StringBuilder();
        // Acting is CPU-bound: a thread per actor, so stepping neither starves nor waits on the thread pool the
        // gRPC streams run on. The mailbox is FIFO, so new weights, stop and room to send are read between fragments
        // whatever the throughput; a high one keeps the thread in its run instead of rescheduling per fragment.
        hocon.AppendLine($$"""
            {{NodeDispatchers.Rollout}} {
              type = PinnedDispatcher
              throughput = 100
            }
            akka.stdout-loglevel = WARNING
            akka.actor.serialize-messages = off
            akka.coordinated-shutdown.exit-clr = off
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            # This phase waits for the cluster daemon to stop, which a node that was still joining when it was asked
            # to stop (a signal during start-up) never does: it held the stop for the 5 s default. A node that left
            # normally is past it at once.
            akka.coordinated-shutdown.phases.cluster-shutdown.timeout = 1 s
            akka.log-dead-letters-during-shutdown = off
            """);
        if (settings is null) return hocon.ToString();
        // Keep-majority counted over the learner role: the side with the learner stays up and downs the other, so a
        // crashed actor node is removed while a crashed learner takes its actor nodes out (they rejoin the restarted
        // learner in a fresh actor system).
        hocon.AppendLine(string.Create(CultureInfo.InvariantCulture, $$"""
            akka.cluster {
              downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
              split-brain-resolver {
                active-strategy = keep-majority
                stable-after = {{Millis(settings.StableAfter)}}
                keep-majority.role = "{{ClusterRoles.Learner}}"
              }
              failure-detector {
                heartbeat-interval = {{Millis(settings.HeartbeatInterval)}}
                acceptable-heartbeat-pause = {{Millis(settings.AcceptableHeartbeatPause)}}
              }
              seed-node-timeout = 2s
              retry-unsuccessful-join-after = 2s
              shutdown-after-unsuccessful-join-seed-nodes = off
              run-coordinated-shutdown-when-down = on
              log-info = off
            }
            akka.remote.dot-netty.tcp.maximum-frame-size = 4 MiB
            """));
        return hocon.ToString();
    }

    private static string Millis(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMilliseconds}ms");
}

/// <summary>Dispatchers every node's actor system defines.</summary>
public static class NodeDispatchers
{
    /// <summary>A thread of its own for each actor on it (pinned): for CPU-bound rollout actors.</summary>
    public const string Rollout = "asyncrl.rollout-dispatcher";
}
