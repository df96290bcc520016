using System.CommandLine;
using System.Globalization;
using Akka.Actor;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cluster;
using AsyncRL.Cluster.Membership;
using AsyncRL.Cluster.Messages;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AsyncRL.Cli.Commands;

/// <summary>
/// <c>asyncrl cluster --seed-nodes …</c>: joins as an observer, prints the members (roles, status, reachability),
/// the learner's endpoint and each actor node's actors, rate and staleness, then leaves.
/// </summary>
internal static class ClusterCommand
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public static Command Create()
    {
        var command = new Command("cluster", "Join the cluster as an observer, print its members and actor nodes, and leave.");
        var config = CommonOptions.Config();
        var cluster = new ClusterArgs();
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for a seed node to answer.", DefaultValueFactory = _ => 20 };
        var logLevel = NodeLogging.Option();
        command.Options.Add(config);
        cluster.AddTo(command);
        command.Options.Add(timeout);
        command.Options.Add(logLevel);
        CommandRunner.SetAction(command, config, async (s, ct) =>
        {
            if (!cluster.Joins(s)) throw new CliUsageException("give --seed-nodes akka.tcp://asyncrl@HOST:PORT (the learner prints its address) or --cluster-bootstrap.");
            using var logging = NodeLogging.Create(s.Get(logLevel));
            ClusterSettings settings = cluster.Build(s, ClusterRoles.Observer);
            Lifetime.StartupPhases.Reach(Lifetime.StartupPhases.Cluster);
            await using var host = await ClusterHost.StartAsync(settings, logging, ct).ConfigureAwait(false);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, s.Get(timeout))));
            try
            {
                await host.WaitUntilUpAsync(TimeSpan.FromSeconds(5), wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"asyncrl cluster: no seed node answered within {s.Get(timeout)} s ({s.Get(cluster.SeedNodes) ?? s.Get(cluster.Bootstrap)}).").ConfigureAwait(false);
                return 1;
            }
            Lifetime.StartupPhases.Reach(Lifetime.StartupPhases.Print);
            await PrintAsync(host, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task PrintAsync(ClusterHost host, CancellationToken cancellationToken)
    {
        var cluster = AkkaCluster.Get(host.System);
        var state = cluster.State;
        var members = state.Members.Select(m => ClusterWatcher.Info(m, !state.Unreachable.Contains(m))).ToList();
        var output = Console.Out;
        await output.WriteLineAsync($"cluster {ClusterSettings.SystemName}: {members.Count} members, {members.Count(m => !m.Reachable)} unreachable, leader {state.Leader?.ToString() ?? "none"}").ConfigureAwait(false);
        await output.WriteLineAsync($"{"ADDRESS",-36} {"ROLES",-14} {"STATUS",-9} REACHABLE").ConfigureAwait(false);
        foreach (MemberInfo m in members)
        {
            string self = m.Address == cluster.SelfAddress.ToString() ? " (this observer)" : "";
            await output.WriteLineAsync($"{m.Address,-36} {string.Join(",", m.Roles),-14} {m.Status,-9} {(m.Reachable ? "yes" : "no")}{self}").ConfigureAwait(false);
        }
        foreach (MemberInfo m in members.Where(m => m.HasRole(ClusterRoles.Learner) && m.Reachable))
        {
            object? answer = await AskAsync(host.System, m.Address + ClusterPaths.Learner, DescribeLearner.Instance, cancellationToken).ConfigureAwait(false);
            string line = answer is LearnerFound found ? $"learner {m.Address}: gRPC {found.GrpcAddress}, run {found.RunId}" : $"learner {m.Address}: no answer from its directory";
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }
        foreach (MemberInfo m in members.Where(m => m.HasRole(ClusterRoles.Actor) && m.Reachable))
        {
            object? answer = await AskAsync(host.System, m.Address + ClusterPaths.ActorNode, GetNodeStatus.Instance, cancellationToken).ConfigureAwait(false);
            if (answer is not NodeStatus status)
            {
                await output.WriteLineAsync($"actor node {m.Address}: no answer").ConfigureAwait(false);
                continue;
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"actor node {status.NodeId} ({m.Address}): {status.Actors.Count} actors, {status.EnvSteps:N0} steps, {status.StepsPerSecond:N0} steps/s, acting with v{status.PolicyVersion}, learner at v{status.LearnerVersion}, staleness {status.Staleness}, accepted {status.BatchesAccepted}, restarts {status.Restarts}"))
                .ConfigureAwait(false);
            foreach (RolloutStatus actor in status.Actors)
                await output.WriteLineAsync($"  {actor.ActorId}: seq {actor.LastSeq}, un-acked {actor.Unacked}, restarts {actor.Restarts}").ConfigureAwait(false);
        }
    }

    private static async Task<object?> AskAsync(ActorSystem system, string path, object message, CancellationToken cancellationToken)
    {
        try
        {
            return await system.ActorSelection(path).Ask(message, AskTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
