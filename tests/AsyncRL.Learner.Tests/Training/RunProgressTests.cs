using AsyncRL.Learner.Training;

namespace AsyncRL.Learner.Tests.Training;

public sealed class RunProgressTests
{
    [Fact]
    public void CheckSolved_WindowAboveThreshold_SolvedOnlyOnceThePolicyConfirms()
    {
        // Arrange: a full window of training returns above the threshold
        var progress = new RunProgress();
        for (int i = 0; i < RunProgress.Window; i++) progress.AddEpisode(480);
        progress.AddEnvSteps(1_000);
        var asked = new List<float>();
        bool confirms = false;

        // Act: the policy fails its own check once, then passes it
        bool first = progress.CheckSolved(475f, 1.5, t => { asked.Add(t); return confirms; });
        progress.AddEnvSteps(500);
        confirms = true;
        bool second = progress.CheckSolved(475f, 2.5, t => { asked.Add(t); return confirms; });

        // Assert: solved at the confirmed check, not at the first crossing
        Assert.False(first);
        Assert.True(second);
        Assert.Equal([475f, 475f], asked);
        Assert.Equal(2.5, progress.SolvedAtSeconds);
        Assert.Equal(1_500, progress.SolvedAtEnvSteps);
    }

    [Fact]
    public void CheckSolved_WindowBelowThreshold_NeverAsksThePolicy()
    {
        var progress = new RunProgress();
        for (int i = 0; i < RunProgress.Window; i++) progress.AddEpisode(400);
        bool asked = false;

        bool solved = progress.CheckSolved(475f, 1.0, _ => asked = true);

        Assert.False(solved);
        Assert.False(asked);
        Assert.False(progress.Solved);
    }
}
