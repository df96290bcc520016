using System.Globalization;

namespace AsyncRL.IntegrationTests.Load;

/// <summary>
/// A short version of bench/load/load.sh: one learner and eight actor node processes joined through the cluster,
/// streaming for some seconds, then stopped with SIGTERM. Correctness, not speed: nothing an actor saw accepted is
/// missing at the learner, nothing counted twice, every actor stops cleanly, and the learner's threads and open
/// descriptors stay bounded while batches flow.
/// </summary>
public sealed class ActorProcessesLoadTests
{
    private const int Nodes = 8;

    /// <summary>Status lines (one each 2 s) every actor prints between the two samples of the learner.</summary>
    private const int TicksUnderLoad = 12;

    /// <summary>Eight .NET processes starting on two cores take a while.</summary>
    private static readonly TimeSpan StartWait = TimeSpan.FromMinutes(4);

    [ProcFsFact]
    public async Task EightActorProcesses_NothingLostOrCountedTwice_LearnerHandlesBounded_EachActorStopsCleanlyOnSigterm()
    {
        // Arrange: a learner and eight actor nodes that find it through the cluster, each 1 actor × 4 envs
        using var run = RunDirectory.CreateTemp("load");
        int clusterPort = CliProcess.FreePort();
        var learner = CliProcess.Start(null, "learner", "--listen", $"http://127.0.0.1:{CliProcess.FreePort()}", "--out", run.Path, "--no-early-stop",
            "--steps", "1000000000000", "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture));
        var actors = new List<CliProcess>();
        string Output() => $"learner:\n{learner.Output}\n" + string.Join('\n', actors.Select((a, i) => $"actor {i + 1}:\n{a.Output}"));
        try
        {
            for (int k = 1; k <= Nodes; k++)
            {
                actors.Add(CliProcess.Start(null, "actor", "--seed-nodes", $"akka.tcp://asyncrl@127.0.0.1:{clusterPort}", "--actors", "1",
                    "--envs-per-actor", "4", "--node-id", $"load-{k}"));
            }
            await Eventually.UntilAsync(() => actors.All(a => ActorStatus.AcceptedBy(a) > 0), Output, StartWait);
            ProcessHandles first = ProcessHandles.Of(learner.Id);
            int[] ticks = [.. actors.Select(ActorStatus.Lines)];
            long acceptedAtFirst = actors.Sum(ActorStatus.AcceptedBy);

            // Act: every actor streams for a dozen more status lines; then SIGTERM to each (all running by now)
            await Eventually.UntilAsync(() => actors.Select((a, i) => ActorStatus.Lines(a) - ticks[i]).Min() >= TicksUnderLoad, Output, StartWait);
            ProcessHandles second = ProcessHandles.Of(learner.Id);
            long acceptedBetween = actors.Sum(ActorStatus.AcceptedBy) - acceptedAtFirst;
            foreach (CliProcess actor in actors) actor.Terminate();
            int[] exits = await Task.WhenAll(actors.Select(a => a.WaitForExitAsync(Eventually.Wait)));
            learner.Terminate();
            Assert.Equal(0, await learner.WaitForExitAsync(Eventually.Wait));

            // Assert: every actor stopped in order
            Assert.All(exits, code => Assert.Equal(0, code));
            Assert.All(actors, a => Assert.Contains("\nstopped", a.Output, StringComparison.Ordinal));
            ActorFinalLine[] finals = [.. actors.Select(ActorFinalLine.Parse)];
            foreach (ActorFinalLine f in finals)
            {
                // Each batch the actor numbered was answered once or was still in flight; each answer was timed once.
                var s = f.Status;
                Assert.True(s.Accepted + s.Duplicate + s.Rejected + f.Unacked == s.Seq, $"answered + in flight ≠ numbered: {f}\n{Output()}");
                Assert.True(s.Accepted + s.Duplicate + s.Rejected == f.PushAckCount, $"answers ≠ timed answers: {f}\n{Output()}");
            }

            // The learner counts every batch an actor saw accepted, and at most the in-flight ones besides (accepted
            // there, the ack cut by the stop); duplicates only for re-sends; nothing is rejected.
            var summary = run.Summary();
            long accepted = summary.GetProperty("accepted_batches").GetInt64();
            long duplicate = summary.GetProperty("duplicate_batches").GetInt64();
            long rejected = summary.GetProperty("rejected_batches").GetInt64();
            long sawAccepted = finals.Sum(f => f.Status.Accepted), sawDuplicate = finals.Sum(f => f.Status.Duplicate), inFlight = finals.Sum(f => f.Unacked);
            string counts = $"learner {accepted}/{duplicate}/{rejected}, actors {sawAccepted}/{sawDuplicate}/{finals.Sum(f => f.Status.Rejected)}, in flight {inFlight}";
            Assert.True(accepted >= sawAccepted, $"batches lost: {counts}");
            Assert.True(duplicate >= sawDuplicate, $"duplicates the learner did not count: {counts}");
            Assert.True(accepted + duplicate <= sawAccepted + sawDuplicate + inFlight, $"more answers than batches sent: {counts}");
            Assert.Equal(0, rejected);
            Assert.All(finals, f => Assert.Equal(0, f.Status.Rejected));

            // Hundreds of batches at least went through between the samples: a handle or thread kept per batch or per
            // call would show (a floor for the check to mean something, not a speed target).
            Assert.True(acceptedBetween >= 50 * Nodes, $"too little traffic between the samples to judge: {acceptedBetween} batches");
            Assert.True(second.FileDescriptors <= first.FileDescriptors * 3 / 2 + 16, $"learner fds {first.FileDescriptors} → {second.FileDescriptors}");
            Assert.True(second.Threads <= first.Threads * 3 / 2 + 16, $"learner threads {first.Threads} → {second.Threads}");
            Console.WriteLine($"load: {counts}; between the samples {acceptedBetween} batches, learner threads {first.Threads} → {second.Threads}, " +
                $"fds {first.FileDescriptors} → {second.FileDescriptors}, RSS {first.RssKib / 1024} → {second.RssKib / 1024} MiB");
        }
        finally
        {
            foreach (CliProcess actor in actors) actor.Dispose();
            learner.Dispose();
        }
    }
}
