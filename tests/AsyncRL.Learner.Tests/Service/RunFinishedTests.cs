using Grpc.Health.V1;
using Grpc.Core;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Service;
using AsyncRL.Learner.Tests.Support;

namespace AsyncRL.Learner.Tests.Service;

public sealed class RunFinishedTests
{
    [Fact]
    public async Task StepBudgetReached_StreamsEndOkWithTheTrailer_LaterCallsFailPrecondition()
    {
        // Two fragments of 32 steps spend a 64-step budget.
        await using var learner = await LearnerHarness.StartAsync(o => o with { Steps = 64, HealthPort = 0 });
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var watch = new WeightsWatch(learner.Client);
        await watch.NextAsync().Within();
        await using var push = new PushStream(learner.Client);
        using var healthChannel = Grpc.Net.Client.GrpcChannel.ForAddress(learner.Node.HealthAddress!);
        var health = await new Health.HealthClient(healthChannel).CheckAsync(new HealthCheckRequest()).ResponseAsync.Within();

        await push.SendAsync(fragments.Batch(registered, 1));
        await push.SendAsync(fragments.Batch(registered, 2));
        var summary = await learner.Node.Completion.Within();
        var endOfPush = await push.NextAckAsync().Within();
        while (await watch.NextAsync().Within() is not null)
        {
            // a version published before the end may still arrive
        }
        var late = await Assert.ThrowsAsync<RpcException>(() => learner.RegisterAsync());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal("budget", summary.Reason);
        Assert.Equal(64, summary.EnvSteps);
        Assert.Null(endOfPush);
        Assert.Equal(StatusCode.OK, push.Call.GetStatus().StatusCode);
        Assert.Equal("true", push.Call.GetTrailers().GetValue(LearnerService.RunFinishedTrailer));
        Assert.Equal(StatusCode.OK, watch.Call.GetStatus().StatusCode);
        Assert.Equal("true", watch.Call.GetTrailers().GetValue(LearnerService.RunFinishedTrailer));
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        Assert.Equal("run finished", late.Status.Detail);
        Assert.True(File.Exists(Path.Combine(learner.OutDir, "summary.json")));
    }
}
