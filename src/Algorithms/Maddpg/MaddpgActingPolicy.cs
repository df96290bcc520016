using System.Numerics.Tensors;
using AsyncRL.Models.Distributions;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// The decentralised policies on an actor: each agent's logits from its own observation only, with no tape and no
/// allocation per step. Exploring, an agent draws its action from softmax(ℓ) — the argmax of ℓ plus Gumbel noise,
/// the discrete counterpart of the reference's Gumbel-softmax sample; greedy, it takes argmax ℓ. One instance per
/// actor thread.
/// </summary>
public sealed class MaddpgActingPolicy
{
    private readonly MlpInference[] _agents;
    private readonly float[] _inputs;
    private readonly float[] _logits;
    private readonly float[] _scratch;

    /// <summary>Compiles inference plans for up to <paramref name="maxEnvs"/> environments.</summary>
    public MaddpgActingPolicy(MaddpgActors actors, int maxEnvs)
    {
        ArgumentNullException.ThrowIfNull(actors);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEnvs, 1);
        Actors = actors;
        _agents = [.. Enumerable.Range(0, actors.AgentCount).Select(i => new MlpInference(actors.Agent(i), maxEnvs))];
        _inputs = new float[maxEnvs * actors.Spec.ObservationSizes.Max()];
        _logits = new float[maxEnvs * actors.Spec.ActionCount];
        _scratch = new float[actors.Spec.ActionCount];
        MaxEnvs = maxEnvs;
    }

    /// <summary>The local weights (new versions are loaded into it).</summary>
    public MaddpgActors Actors { get; }

    /// <summary>Largest number of environments per call.</summary>
    public int MaxEnvs { get; }

    /// <summary>Samples every agent's action: <paramref name="observations"/> is [envs, J], <paramref name="actions"/> [envs, N].</summary>
    public void Act(ReadOnlySpan<float> observations, int envs, Generator rng, Span<int> actions)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Decide(observations, envs, actions, rng);
    }

    /// <summary>Every agent's most likely action (evaluation).</summary>
    public void Greedy(ReadOnlySpan<float> observations, int envs, Span<int> actions) => Decide(observations, envs, actions, null);

    private void Decide(ReadOnlySpan<float> observations, int envs, Span<int> actions, Generator? rng)
    {
        var spec = Actors.Spec;
        int n = spec.AgentCount, a = spec.ActionCount, j = spec.JointObservationSize;
        if (envs < 1 || envs > MaxEnvs || observations.Length != envs * j || actions.Length != envs * n)
            throw new ArgumentException($"MADDPG acting: {envs} environments (at most {MaxEnvs}) need {envs * j} observation floats and {envs * n} action slots.");
        for (int i = 0; i < n; i++)
        {
            int o = spec.ObservationSizes[i], offset = spec.ObservationOffset(i);
            // Agent i sees only its own part of each environment's joint observation.
            for (int e = 0; e < envs; e++) observations.Slice(e * j + offset, o).CopyTo(_inputs.AsSpan(e * o, o));
            _agents[i].Forward(_inputs.AsSpan(0, envs * o), envs, _logits);
            for (int e = 0; e < envs; e++)
            {
                var logits = _logits.AsSpan(e * a, a);
                actions[e * n + i] = rng is null ? TensorPrimitives.IndexOfMax(logits) : Sampling.Sample(logits, 1f, rng, _scratch);
            }
        }
    }
}
