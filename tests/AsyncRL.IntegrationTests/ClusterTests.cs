using System.Diagnostics;
using System.Globalization;

namespace AsyncRL.IntegrationTests;

/// <summary>
/// The nodes as an Akka.Cluster, in separate processes on loopback: actor nodes given only <c>--seed-nodes</c>
/// find the learner through the cluster; the failure detector and split brain resolver remove a killed node;
/// a new node joins mid-run; a node started before its seed waits for it; a killed learner's actor nodes
/// rejoin the restarted one.
/// </summary>
public sealed class ClusterTests
{
    [Fact]
    public async Task ThreeProcesses_SeedNodesOnly_TrainSurviveKillOfAnActorNode_AndTakeANewOne()
    {
        using var run = RunDirectory.CreateTemp("cluster");
        int clusterPort = CliProcess.FreePort();
        string seed = $"akka.tcp://asyncrl@127.0.0.1:{clusterPort}";
        using var learner = CliProcess.Start(null, "learner", "--listen", $"http://127.0.0.1:{CliProcess.FreePort()}", "--out", run.Path, "--no-early-stop",
            "--steps", "100000000", "--rows-per-update", "256", "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture), "--log-level", "information");
        var a = CliProcess.Start(null, "actor", "--seed-nodes", seed, "--node-id", "node-a", "--actors", "1");
        using var b = CliProcess.Start(null, "actor", "--seed-nodes", seed, "--node-id", "node-b", "--actors", "1");
        CliProcess? c = null;
        string Output() => $"learner:\n{learner.Output}\nactor a:\n{a.Output}\nactor b:\n{b.Output}\nactor c:\n{c?.Output}";
        try
        {
            // Both found the learner through the cluster (no --learner) and train it.
            await Eventually.UntilAsync(() => ActorStatus.AcceptedBy(a) > 0 && ActorStatus.AcceptedBy(b) > 0, Output);
            var m = await run.WaitForMetricsAsync(m => RunDirectory.Last(m, "cluster_actor_nodes") == 2, Eventually.Wait, Output);
            Assert.Contains("Actor node node-a announced itself", learner.Output, StringComparison.Ordinal);

            // kill -9 of node a: unreachable, then removed by the split brain resolver; training goes on.
            var clock = Stopwatch.StartNew();
            a.Kill();
            await Eventually.UntilAsync(() => learner.Output.Contains("Actor node node-a is unreachable", StringComparison.Ordinal), Output);
            double unreachable = clock.Elapsed.TotalSeconds;
            await Eventually.UntilAsync(() => learner.Output.Contains("Actor node node-a was removed from the cluster", StringComparison.Ordinal), Output);
            double removed = clock.Elapsed.TotalSeconds;
            long updatesAtRemoval = RunDirectory.Last(run.Metrics(), "update");
            await run.WaitForMetricsAsync(m => RunDirectory.Last(m, "update") >= updatesAtRemoval + 20 && RunDirectory.Last(m, "cluster_actor_nodes") == 1, Eventually.Wait, Output);

            // A new node joins mid-run and contributes without a restart of anything.
            clock.Restart();
            c = CliProcess.Start(null, "actor", "--seed-nodes", seed, "--node-id", "node-c", "--actors", "1");
            await Eventually.UntilAsync(() => ActorStatus.AcceptedBy(c) > 0, Output);
            double joined = clock.Elapsed.TotalSeconds;
            await run.WaitForMetricsAsync(m => RunDirectory.Last(m, "cluster_actor_nodes") == 2, Eventually.Wait, Output);

            // What an operator sees.
            using var observer = CliProcess.Start(null, "cluster", "--seed-nodes", seed);
            Assert.Equal(0, await observer.WaitForExitAsync(Eventually.Wait));
            Assert.Matches(@"actor node node-b \(akka\.tcp://asyncrl@127\.0\.0\.1:\d+\): 1 actors, [\d,]+ steps, [\d,]+ steps/s, acting with v\d+, learner at v\d+, staleness \d+", observer.Output);
            Assert.Contains("actor node node-c", observer.Output, StringComparison.Ordinal);
            Assert.Matches($@"akka\.tcp://asyncrl@127\.0\.0\.1:{clusterPort}\s+learner\s+up\s+yes", observer.Output);
            Assert.DoesNotContain("node-a", observer.Output, StringComparison.Ordinal);
            Assert.False(learner.HasExited || b.HasExited || c.HasExited, Output());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cluster timings: kill -9 → unreachable {unreachable:F1} s, → removed {removed:F1} s; new node → first accepted batch {joined:F1} s"));
        }
        finally
        {
            a.Dispose();
            c?.Dispose();
        }
    }

    [Fact]
    public async Task ActorNode_SeedNotUpYet_RetriesWithAClearMessage_AndJoinsWhenTheLearnerComesUp()
    {
        using var run = RunDirectory.CreateTemp("cluster-late-seed");
        int clusterPort = CliProcess.FreePort();
        using var actor = CliProcess.Start(null, "actor", "--seed-nodes", $"akka.tcp://asyncrl@127.0.0.1:{clusterPort}", "--node-id", "early", "--actors", "1");
        CliProcess? learner = null;
        string Output() => $"actor:\n{actor.Output}\nlearner:\n{learner?.Output}";
        try
        {
            await Eventually.UntilAsync(() => actor.Output.Contains("Not a cluster member yet", StringComparison.Ordinal), Output);
            Assert.Contains($"akka.tcp://asyncrl@127.0.0.1:{clusterPort}", actor.Output, StringComparison.Ordinal);
            learner = CliProcess.Start(null, "learner", "--listen", $"http://127.0.0.1:{CliProcess.FreePort()}", "--out", run.Path, "--no-early-stop",
                "--steps", "100000000", "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture));
            await Eventually.UntilAsync(() => ActorStatus.AcceptedBy(actor) > 0, Output);
        }
        finally
        {
            learner?.Dispose();
        }
    }

    [Fact]
    public async Task LearnerKilled_ActorNodeRejoinsTheRestartedLearner_WhichRestoresItsCheckpoint()
    {
        using var run = RunDirectory.CreateTemp("cluster-learner-kill");
        int clusterPort = CliProcess.FreePort();
        string[] learnerArgs = ["learner", "--listen", $"http://127.0.0.1:{CliProcess.FreePort()}", "--out", run.Path, "--no-early-stop", "--steps", "100000000",
            "--checkpoint-interval", "1", "--rows-per-update", "256", "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture)];
        var learner = CliProcess.Start(null, learnerArgs);
        using var actor = CliProcess.Start(null, "actor", "--seed-nodes", $"akka.tcp://asyncrl@127.0.0.1:{clusterPort}", "--node-id", "stays", "--actors", "1");
        string Output() => $"learner:\n{learner.Output}\nactor:\n{actor.Output}";
        try
        {
            await run.WaitForMetricsAsync(m => RunDirectory.Last(m, "update") >= 20 && RunDirectory.Last(m, "cluster_actor_nodes") == 1, Eventually.Wait, Output);
            await Eventually.UntilAsync(() => File.Exists(Path.Combine(run.Path, "checkpoints", "latest")), Output);
            learner.Kill();
            await learner.WaitForExitAsync(Eventually.Wait);
            var before = run.Metrics();
            learner.Dispose();
            learner = CliProcess.Start(null, learnerArgs);

            // The actor node's side lost its learner, so it was downed; it rejoins in a fresh actor system, and its
            // samples train the restored learner.
            var after = await run.WaitForMetricsAsync(m => m.Count >= before.Count + 20 && RunDirectory.Last(m, "cluster_actor_nodes") == 1, Eventually.Wait, Output);
            Assert.Contains("rejoining in a fresh actor system", actor.Output, StringComparison.Ordinal);
            Assert.True(after[before.Count].GetProperty("policy_version").GetInt64() > 1, "the restarted learner began again instead of restoring its checkpoint");
            Assert.False(actor.HasExited, Output());
        }
        finally
        {
            learner.Dispose();
        }
    }

    [Fact]
    public async Task LearnerStoppedInOrder_ActorNodeJoinsTheClusterOfTheRestartedLearner()
    {
        using var run = RunDirectory.CreateTemp("cluster-learner-stop");
        int clusterPort = CliProcess.FreePort();
        string[] learnerArgs = ["learner", "--listen", $"http://127.0.0.1:{CliProcess.FreePort()}", "--out", run.Path, "--no-early-stop", "--steps", "100000000",
            "--rows-per-update", "256", "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture)];
        var learner = CliProcess.Start(null, learnerArgs);
        using var actor = CliProcess.Start(null, "actor", "--seed-nodes", $"akka.tcp://asyncrl@127.0.0.1:{clusterPort}", "--node-id", "stays", "--actors", "1");
        string Output() => $"learner:\n{learner.Output}\nactor:\n{actor.Output}";
        try
        {
            await run.WaitForMetricsAsync(m => RunDirectory.Last(m, "cluster_actor_nodes") == 1, Eventually.Wait, Output);
            learner.Terminate(); // SIGTERM: the learner leaves the cluster in order, so nobody is downed
            Assert.Equal(0, await learner.WaitForExitAsync(Eventually.Wait));
            int before = run.Metrics().Count;
            learner.Dispose();
            learner = CliProcess.Start(null, learnerArgs);

            // The restarted learner seeded a cluster of its own; the actor node, left without a learner, joins it.
            await run.WaitForMetricsAsync(m => m.Count > before + 10 && RunDirectory.Last(m, "cluster_actor_nodes") == 1, Eventually.Wait, Output);
            Assert.Contains("No learner in this node's cluster", actor.Output, StringComparison.Ordinal);
            Assert.False(actor.HasExited, Output());
        }
        finally
        {
            learner.Dispose();
        }
    }

    [Fact]
    public async Task ActorNode_SeedOfAnotherSystem_IsRefusedAtStart()
    {
        using var actor = CliProcess.Start(null, "actor", "--seed-nodes", "akka.tcp://other@127.0.0.1:4053");

        int code = await actor.WaitForExitAsync(Eventually.Wait);

        Assert.Equal(2, code);
        Assert.Contains("is a node of system 'other'; AsyncRL nodes are all 'asyncrl'", actor.Output, StringComparison.Ordinal);
    }
}
