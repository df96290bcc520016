using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Models;
using Tensor = AsyncRL.Contracts.V1.Tensor;

namespace AsyncRL.Learner.Tests.Support;

/// <summary>Real CartPole rollout fragments, as an actor would send them.</summary>
internal sealed class Fragments
{
    public const int Envs = 4;

    private readonly PpoRolloutCollector _collector;

    public Fragments(ulong seed = 7, int steps = 8)
    {
        var rng = new Generator(seed);
        var model = new ActorCritic(4, 2, LearnerHarness.SmallPpo.Hidden, rng);
        _collector = new PpoRolloutCollector(EnvRegistry.CreateVector("cartpole", Envs, seed), new PpoActingPolicy(model, Envs), rng.Fork(), steps);
    }

    /// <summary>A fresh batch stamped with <paramref name="version"/>.</summary>
    public SampleBatch Batch(RegisterReply registered, ulong seq, long version = 0, int actor = 0)
    {
        var batch = PpoWire.ToBatch(_collector.Collect(version), registered.ActorIds[actor], seq);
        batch.RunId = registered.RunId;
        return batch;
    }

    /// <summary>A valid batch with one column replaced.</summary>
    public SampleBatch With(RegisterReply registered, ulong seq, string column, Tensor? tensor)
    {
        var batch = Batch(registered, seq);
        if (tensor is null) batch.Columns.Remove(column);
        else batch.Columns[column] = tensor;
        return batch;
    }

    /// <summary>A valid batch that claims another run.</summary>
    public SampleBatch OfRun(RegisterReply registered, ulong seq, string runId)
    {
        var batch = Batch(registered, seq);
        batch.RunId = runId;
        return batch;
    }

    /// <summary>The batch after <paramref name="change"/>.</summary>
    public static SampleBatch Tweak(SampleBatch batch, Action<SampleBatch> change)
    {
        change(batch);
        return batch;
    }

    public static Tensor Float32(int rows, int width, float fill = 0)
    {
        var values = new float[rows * width];
        Array.Fill(values, fill);
        return width == 1 ? TensorCodec.FromFloat32(values, rows) : TensorCodec.FromFloat32(values, rows, width);
    }
}
