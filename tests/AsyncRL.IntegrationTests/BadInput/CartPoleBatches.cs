using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using AsyncRL.Models;

namespace AsyncRL.IntegrationTests.BadInput;

/// <summary>Valid PPO CartPole batches from a real rollout, as an actor node would push them; tests spoil copies.</summary>
internal sealed class CartPoleBatches
{
    private const int Envs = 4;
    private readonly PpoRolloutCollector _collector;
    private readonly Lock _lock = new();

    public CartPoleBatches(ulong seed = 17)
    {
        var rng = new Generator(seed);
        var policy = new PpoActingPolicy(new ActorCritic(4, 2, [16], rng), Envs);
        _collector = new PpoRolloutCollector(EnvRegistry.CreateVector("cartpole", Envs, seed), policy, rng.Fork(), steps: 8);
    }

    /// <summary>A fresh valid batch of 32 rows for <paramref name="actorId"/>, stamped with version 0.</summary>
    public SampleBatch Next(string runId, string actorId, ulong seq)
    {
        PpoFragment fragment;
        lock (_lock) fragment = _collector.Collect(0);
        var batch = PpoWire.ToBatch(fragment, actorId, seq);
        batch.RunId = runId;
        return batch;
    }

    /// <summary>A valid batch for the first actor of <paramref name="registered"/>, changed by <paramref name="spoil"/>.</summary>
    public SampleBatch Spoiled(RegisterReply registered, ulong seq, Action<SampleBatch> spoil)
    {
        var batch = Next(registered.RunId, registered.ActorIds[0], seq);
        spoil(batch);
        return batch;
    }
}
