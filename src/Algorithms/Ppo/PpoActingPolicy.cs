using AsyncRL.Models.Distributions;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// The actor side of PPO: samples actions for a batch of observations and records the behaviour
/// log-prob and value, with no tape and no allocation per step (an actor's hot loop).
/// One instance per actor thread; it reads the live weights of its <see cref="ActorCritic"/> copy.
/// </summary>
public sealed class PpoActingPolicy
{
    private readonly MlpInference _actor;
    private readonly MlpInference _critic;
    private readonly float[] _logits;
    private readonly float[] _values;
    private readonly float[] _scratch;
    private readonly int _actions;

    /// <summary>Compiles inference plans for up to <paramref name="maxBatch"/> observations per call.</summary>
    public PpoActingPolicy(ActorCritic model, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _actor = new MlpInference(model.Actor, maxBatch);
        _critic = new MlpInference(model.Critic, maxBatch);
        _actions = model.ActionCount;
        _logits = new float[maxBatch * _actions];
        _values = new float[maxBatch];
        _scratch = new float[_actions];
    }

    /// <summary>The local weights (load new versions into it).</summary>
    public ActorCritic Model { get; }

    /// <summary>Samples aₜ ~ π(·|sₜ) per row and writes log π(aₜ|sₜ) and V(sₜ).</summary>
    public void Act(ReadOnlySpan<float> observations, int rows, Generator rng, Span<int> actions, Span<float> logProbs, Span<float> values)
    {
        ArgumentNullException.ThrowIfNull(rng);
        _actor.Forward(observations, rows, _logits);
        _critic.Forward(observations, rows, _values);
        for (int r = 0; r < rows; r++)
        {
            var logits = _logits.AsSpan(r * _actions, _actions);
            int a = Sampling.Sample(logits, 1f, rng, _scratch);
            actions[r] = a;
            logProbs[r] = Sampling.LogSoftmaxAt(logits, a);
        }
        _values.AsSpan(0, rows).CopyTo(values);
    }

    /// <summary>V(s) per row.</summary>
    public void Values(ReadOnlySpan<float> observations, int rows, Span<float> values)
    {
        _critic.Forward(observations, rows, _values);
        _values.AsSpan(0, rows).CopyTo(values);
    }

    /// <summary>The greedy action per row (evaluation).</summary>
    public void Greedy(ReadOnlySpan<float> observations, int rows, Span<int> actions)
    {
        _actor.Forward(observations, rows, _logits);
        for (int r = 0; r < rows; r++) actions[r] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(_logits.AsSpan(r * _actions, _actions));
    }
}
