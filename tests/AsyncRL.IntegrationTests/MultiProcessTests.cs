namespace AsyncRL.IntegrationTests;

/// <summary>
/// Separate processes on loopback, as on separate machines: <c>asyncrl learner</c> and two
/// <c>asyncrl actor</c> nodes; actors and the learner are killed (SIGKILL) and restarted mid-run.
/// </summary>
public sealed class MultiProcessTests
{
    [Fact]
    public async Task LearnerAndTwoActors_SurviveActorKill_AndLearnerRestartFromCheckpoint()
    {
        using var run = RunDirectory.CreateTemp("multi");
        var url = $"http://127.0.0.1:{CliProcess.FreePort()}";
        string[] learnerArgs = ["learner", "--listen", url, "--out", run.Path, "--no-early-stop", "--steps", "100000000", "--checkpoint-interval", "1", "--rows-per-update", "256"];
        var learner = CliProcess.Start(null, learnerArgs);
        using var actorA = CliProcess.Start(null, "actor", "--learner", url, "--node-id", "node-a", "--actors", "1");
        var actorB = CliProcess.Start(null, "actor", "--learner", url, "--node-id", "node-b", "--actors", "1");
        string Output() => $"learner:\n{learner.Output}\nactor a:\n{actorA.Output}\nactor b:\n{actorB.Output}";
        try
        {
            var m = await run.WaitForMetricsAsync(m => RunDirectory.Last(m, "update") >= 20, Eventually.Wait, Output);
            // B must have had batches accepted before it dies: the restart below checks that its successor numbers on
            // from them. (On a loaded machine A alone can make the 20 updates before B has pushed anything; B's
            // successor then rightly starts at seq 1, which is what made this test fail now and then.)
            await Eventually.UntilAsync(() => ActorStatus.AcceptedBy(actorB) > 0, Output);
            m = run.Metrics();

            // One actor dies without a goodbye: training goes on with the other.
            actorB.Kill();
            long afterKill = RunDirectory.Last(m, "update");
            await run.WaitForMetricsAsync(m => RunDirectory.Last(m, "update") >= afterKill + 20, Eventually.Wait, Output);

            // The same node comes back under the same id, registers again and its batches are accepted: its seqs
            // continue above the old process's (starting again at 1 would make them look like re-sends).
            actorB.Dispose();
            actorB = CliProcess.Start(null, "actor", "--learner", url, "--node-id", "node-b", "--actors", "1");
            await Eventually.UntilAsync(() => ActorStatus.Newest(actorB) is { Accepted: > 0 }, Output);
            var restartedB = ActorStatus.Newest(actorB)!.Value;
            Assert.True(restartedB.Seq > restartedB.Accepted, $"the restarted node began again at seq 1: {restartedB}\n{Output()}");
            Assert.Equal((0L, 0L), (restartedB.Duplicate, restartedB.Rejected));

            // The learner dies; a new process restores the newest checkpoint and the version continues.
            await Eventually.UntilAsync(() => File.Exists(Path.Combine(run.Path, "checkpoints", "latest")), Output);
            learner.Kill();
            await learner.WaitForExitAsync(Eventually.Wait);
            var before = run.Metrics();
            Assert.Equal(0, RunDirectory.Last(before, "duplicate_batches"));
            long versionBefore = RunDirectory.Last(before, "policy_version");
            learner.Dispose();
            learner = CliProcess.Start(null, learnerArgs);
            var after = await run.WaitForMetricsAsync(m => m.Count >= before.Count + 20, Eventually.Wait, Output);
            long firstVersionAfter = after[before.Count].GetProperty("policy_version").GetInt64();
            Assert.True(firstVersionAfter > 1, $"the restarted learner began again at version {firstVersionAfter}");
            // Restored from a checkpoint taken at most about a second before the kill, so at or below the last version seen.
            Assert.True(firstVersionAfter <= versionBefore + 1, $"restored version {firstVersionAfter} is ahead of the last one written before the kill, {versionBefore}");
            // Both actor processes reconnected on their own: the newest lines keep growing in version.
            Assert.True(RunDirectory.Last(after, "policy_version") > firstVersionAfter, Output());
            Assert.False(actorA.HasExited, Output());
            Assert.False(actorB.HasExited, Output());

            // Un-acked batches were re-sent to the restarted learner. Those it had trained on before its checkpoint
            // are duplicates; those stamped with versions newer than the restored one are refused (that policy is
            // gone). Either way both sides count the same (the learner's counts continue from its checkpoint).
            // (A fresh status line from each, printed after the learner's newest metrics, so no ack is left out.)
            int linesA = ActorStatus.Lines(actorA), linesB = ActorStatus.Lines(actorB);
            await Eventually.UntilAsync(() => ActorStatus.Lines(actorA) > linesA && ActorStatus.Lines(actorB) > linesB, Output);
            var (a, b, final) = (ActorStatus.Newest(actorA)!.Value, ActorStatus.Newest(actorB)!.Value, run.Metrics());
            Assert.Equal(a.Duplicate + b.Duplicate, RunDirectory.Last(final, "duplicate_batches"));
            Assert.Equal(a.Rejected + b.Rejected, RunDirectory.Last(final, "rejected_batches"));
        }
        finally
        {
            learner.Dispose();
            actorB.Dispose();
        }
    }
}
