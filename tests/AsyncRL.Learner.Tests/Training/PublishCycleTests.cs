using AsyncRL.Learner.Training;

namespace AsyncRL.Learner.Tests.Training;

public sealed class PublishCycleTests
{
    [Fact]
    public void Updated_PeriodOne_PublishesEveryUpdateAsBefore()
    {
        var progress = new RunProgress();
        var cycle = new PublishCycle(progress, period: 1, fragmentsPerVersion: null);

        Assert.Equal(5, cycle.LearnerVersion(5));
        Assert.True(cycle.Updated());
        Assert.Equal(6, cycle.NextVersion(5));
    }

    [Fact]
    public void LearnerVersion_PeriodThree_CountsUpdatesWithinTheCycle()
    {
        var progress = new RunProgress();
        var cycle = new PublishCycle(progress, period: 3, fragmentsPerVersion: 3);
        var learnerVersions = new List<long>();
        var due = new List<bool>();

        for (int j = 0; j < 3; j++)
        {
            learnerVersions.Add(cycle.LearnerVersion(6));
            due.Add(cycle.Updated());
        }

        // Staleness of rows of version 6 on the j-th update is j; the version published after the cycle is 9.
        Assert.Equal([6L, 7L, 8L], learnerVersions);
        Assert.Equal([false, false, true], due);
        Assert.Equal(9, cycle.NextVersion(6));
        cycle.Published();
        Assert.Equal(0, progress.UpdatesSincePublish);
        Assert.Equal(9, cycle.LearnerVersion(9));
    }

    [Fact]
    public void Starved_CountsOnlyFragmentsOfTheNewestVersion_AgainstEveryLiveActor()
    {
        var cycle = new PublishCycle(new RunProgress(), period: 2, fragmentsPerVersion: 2);
        cycle.Ingested(batchVersion: 3, latest: 4); // older: the actor generated it before it saw version 4
        cycle.Ingested(4, 4);
        cycle.Ingested(4, 4);
        cycle.Ingested(4, 4);

        Assert.Equal(3, cycle.FragmentsOfLatest);
        Assert.False(cycle.Starved(readyToUpdate: false, liveActors: 2)); // the second actor owes one more
        cycle.Ingested(4, 4);
        Assert.True(cycle.Starved(readyToUpdate: false, liveActors: 2));
        Assert.False(cycle.Starved(readyToUpdate: true, liveActors: 2)); // it can still update: no need
        Assert.False(cycle.Starved(readyToUpdate: false, liveActors: 0)); // nobody to wait for
    }

    [Fact]
    public void Starved_ActorsThatNeverWait_NeverStarve()
    {
        var cycle = new PublishCycle(new RunProgress(), period: 1, fragmentsPerVersion: null);
        for (int i = 0; i < 10; i++) cycle.Ingested(0, 0);

        Assert.False(cycle.Starved(readyToUpdate: false, liveActors: 1));
    }

    [Fact]
    public void NextVersion_NoUpdateTaken_IsOneOn()
    {
        var cycle = new PublishCycle(new RunProgress(), period: 4, fragmentsPerVersion: 4);

        Assert.Equal(1, cycle.NextVersion(0));
        cycle.Updated();
        cycle.Updated();
        Assert.Equal(2, cycle.NextVersion(0));
    }

    [Fact]
    public void Constructor_NBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PublishCycle(new RunProgress(), 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PublishCycle(new RunProgress(), 0, null));
    }

    [Fact]
    public void RunProgress_SaveRestore_KeepsUpdatesSincePublish_AndOldCheckpointsMeanZero()
    {
        var progress = new RunProgress { UpdatesSincePublish = 2, PolicyVersion = 6, Updates = 8 };
        var metadata = new Dictionary<string, string>();
        progress.Save(metadata, "p.");

        var restored = new RunProgress();
        restored.Restore(metadata, "p.");
        metadata.Remove("p.updates_since_publish");
        var old = new RunProgress { UpdatesSincePublish = 5 };
        old.Restore(metadata, "p.");

        Assert.Equal(2, restored.UpdatesSincePublish);
        Assert.Equal(0, old.UpdatesSincePublish);
    }
}
