using AsyncRL.Cli.Sweep;

namespace AsyncRL.Cli.Tests.Sweep;

public sealed class SweepScheduleTests
{
    private static readonly SweepSettings Settings = new() { Algos = ["ppo", "dqn"], Env = "cartpole", Ns = [1, 2], Seeds = 2, Out = "sweep", SeedBase = 5 };

    [Fact]
    public void Jobs_SeedMajorThenAlgoThenN_InRunsDirectories()
    {
        var jobs = Settings.Jobs();

        Assert.Equal(["ppo-n1-s5", "ppo-n2-s5", "dqn-n1-s5", "dqn-n2-s5", "ppo-n1-s6", "ppo-n2-s6", "dqn-n1-s6", "dqn-n2-s6"], jobs.Select(j => j.Name));
        Assert.Equal(Path.Combine("sweep", "runs", "dqn-n2-s6"), jobs[^1].RunDir);
    }

    [Fact]
    public void TryTake_EachSeedsFirstJobRunsBeforeTheSeedsOthers()
    {
        var jobs = Settings.Jobs();
        var schedule = new SweepSchedule(jobs, parallel: 8, isComplete: _ => false);

        var first = TakeAll(schedule);
        Assert.Equal(["ppo-n1-s5", "ppo-n1-s6"], first.Select(j => j.Name));
        Assert.True(schedule.IsPreparation(first[0]));

        schedule.Finished(first[1]); // seed 6 prepared: its three others may start, seed 5's still wait
        var second = TakeAll(schedule);
        Assert.Equal(["ppo-n2-s6", "dqn-n1-s6", "dqn-n2-s6"], second.Select(j => j.Name));

        schedule.Finished(first[0]);
        Assert.Equal(["ppo-n2-s5", "dqn-n1-s5", "dqn-n2-s5"], TakeAll(schedule).Select(j => j.Name));
    }

    [Fact]
    public void TryTake_NeverMoreThanParallelAtOnce()
    {
        var jobs = Settings.Jobs();
        var schedule = new SweepSchedule(jobs, parallel: 2, isComplete: _ => false);
        var started = TakeAll(schedule);
        schedule.Finished(started[0]);
        schedule.Finished(started[1]);
        var ran = new List<SweepJob>(started);

        while (!schedule.Done)
        {
            var batch = TakeAll(schedule);
            Assert.InRange(batch.Count, 1, 2);
            Assert.Equal(batch.Count, schedule.Running);
            ran.AddRange(batch);
            foreach (var job in batch) schedule.Finished(job);
        }

        Assert.Equal(jobs.ToHashSet(), ran.ToHashSet());
        Assert.Equal(jobs.Count, ran.Count);
    }

    [Fact]
    public void Constructor_CompleteJobsAreSkipped_AndACompleteFirstJobPreparesItsSeed()
    {
        var jobs = Settings.Jobs();
        var schedule = new SweepSchedule(jobs, parallel: 8, isComplete: j => j.Name is "ppo-n1-s5" or "dqn-n2-s6");

        var started = TakeAll(schedule);

        Assert.Equal(["ppo-n1-s5", "dqn-n2-s6"], schedule.Skipped.Select(j => j.Name));
        Assert.Equal(["ppo-n2-s5", "dqn-n1-s5", "dqn-n2-s5", "ppo-n1-s6"], started.Select(j => j.Name));
        Assert.False(schedule.IsPreparation(started[0]));
    }

    [Fact]
    public void Abandon_DropsWhatHasNotStarted()
    {
        var schedule = new SweepSchedule(Settings.Jobs(), parallel: 1, isComplete: _ => false);
        Assert.True(schedule.TryTake(out var running));

        Assert.Equal(7, schedule.Abandon().Count);
        schedule.Finished(running);
        Assert.True(schedule.Done);
    }

    private static List<SweepJob> TakeAll(SweepSchedule schedule)
    {
        var taken = new List<SweepJob>();
        while (schedule.TryTake(out var job)) taken.Add(job);
        return taken;
    }
}
