using System.Runtime.InteropServices;
using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts;
using Grpc.Core;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;
using AsyncRL.Models;

namespace AsyncRL.Learner.Tests.Service;

public sealed class WeightsTests
{
    [Fact]
    public async Task WatchWeights_DeliversVersionZero_ThenEachNewVersion()
    {
        await using var learner = await LearnerHarness.StartAsync();
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var watch = new WeightsWatch(learner.Client);
        await using var push = new PushStream(learner.Client);

        var v0 = await watch.NextAsync().Within();
        await push.SendAsync(fragments.Batch(registered, 1));
        var v1 = await watch.NextAsync().Within();
        await push.SendAsync(fragments.Batch(registered, 2, version: 1));
        var v2 = await watch.NextAsync().Within();

        Assert.Equal([0L, 1L, 2L], new[] { v0!.Version, v1!.Version, v2!.Version });
        Assert.Equal([0L, 1L, 2L], new[] { v0.LearnerUpdate, v1.LearnerUpdate, v2.LearnerUpdate });
        Assert.NotEqual(v0.Blob.ToArray(), v1.Blob.ToArray());
        // The blob is the model's parameters: it loads into an actor's copy.
        var model = new ActorCritic(4, 2, LearnerHarness.SmallPpo.Hidden, new Generator(99));
        ModuleWeights.Apply(model, v2.Blob.Span, v2.Parameters, v2.Encoding);
        Assert.Equal(MemoryMarshal.Cast<byte, float>(v2.Blob.Span).ToArray(), model.Parameters().SelectMany(p => p.Data.ToArray()).ToArray());
    }

    [Fact]
    public async Task WatchWeights_AfterVersion_SkipsWhatTheActorHas_AndBf16HalvesTheBlob()
    {
        await using var learner = await LearnerHarness.StartAsync();
        var registered = await learner.RegisterAsync();
        await using var f32 = new WeightsWatch(learner.Client);
        await f32.NextAsync().Within();
        await using (var push = new PushStream(learner.Client)) await push.SendAsync(new Fragments().Batch(registered, 1));
        var latest = await f32.NextAsync().Within();

        await using var bf16 = new WeightsWatch(learner.Client, new WatchWeightsRequest { AfterVersion = 0, Encoding = WeightsEncoding.Bf16, MaxChunkBytes = 1000 });
        var first = await bf16.NextAsync().Within();
        await using var upToDate = new WeightsWatch(learner.Client, new WatchWeightsRequest { AfterVersion = 1 });
        var pending = upToDate.NextAsync();

        Assert.Equal(1, first!.Version);
        Assert.Equal(WeightsEncoding.Bf16, first.Encoding);
        Assert.Equal(latest!.Blob.Length / 2, first.Blob.Length);
        Assert.All(first.Parameters, p => Assert.Equal(DType.Bfloat16, p.Dtype));
        var decoded = new float[first.Blob.Length / 2];
        BFloat16.Decode(first.Blob.Span, decoded);
        var exact = MemoryMarshal.Cast<byte, float>(latest.Blob.Span).ToArray();
        Assert.All(decoded.Zip(exact), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= Math.Abs(pair.Second) / 128 + 1e-30));
        Assert.False(pending.IsCompleted); // nothing newer than version 1 yet
    }

    [Fact]
    public async Task GetWeights_LatestBehindAndExact_AndNotFoundBeyondHistory()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { WeightsHistory = 2 });
        var registered = await learner.RegisterAsync();
        var fragments = new Fragments();
        await using var watch = new WeightsWatch(learner.Client);
        await using var push = new PushStream(learner.Client);
        for (ulong seq = 1; seq <= 3; seq++)
        {
            await push.SendAsync(fragments.Batch(registered, seq));
        }
        while ((await watch.NextAsync().Within())!.Version < 3)
        {
            // versions 0..3 published; 2 and 3 retained
        }

        var latest = await WeightsWatch.GetAsync(learner.Client, new GetWeightsRequest { Latest = true }).Within();
        var behind = await WeightsWatch.GetAsync(learner.Client, new GetWeightsRequest { BehindLatest = 1 }).Within();
        var exact = await WeightsWatch.GetAsync(learner.Client, new GetWeightsRequest { Version = 2 }).Within();
        var gone = await Assert.ThrowsAsync<RpcException>(() => WeightsWatch.GetAsync(learner.Client, new GetWeightsRequest { Version = 1 }).Within());
        var tooFarBehind = await Assert.ThrowsAsync<RpcException>(() => WeightsWatch.GetAsync(learner.Client, new GetWeightsRequest { BehindLatest = 5 }).Within());
        var future = await Assert.ThrowsAsync<RpcException>(() => WeightsWatch.GetAsync(learner.Client, new GetWeightsRequest { Version = 9 }).Within());
        var noSelector = await Assert.ThrowsAsync<RpcException>(() => WeightsWatch.GetAsync(learner.Client, new GetWeightsRequest()).Within());

        Assert.Equal(3, latest.Version);
        Assert.Equal(2, behind.Version);
        Assert.Equal(2, exact.Version);
        Assert.Equal(behind.Blob.ToArray(), exact.Blob.ToArray());
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Contains("no longer retained (retained: 2..3)", gone.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.NotFound, tooFarBehind.StatusCode);
        Assert.Equal(StatusCode.NotFound, future.StatusCode);
        Assert.Contains("not published yet", future.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, noSelector.StatusCode);
    }
}
