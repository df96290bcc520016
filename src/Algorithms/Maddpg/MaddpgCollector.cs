using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// The actor loop of MADDPG: steps a vector of multi-agent environments with the decentralised policies and records
/// one joint transition per environment step. An episode cut by the time limit keeps its final observation as x′
/// and is not marked done, so the learner bootstraps through it (the reference never treats the limit as terminal).
/// </summary>
public sealed class MaddpgCollector
{
    private readonly MultiAgentVectorEnv _env;
    private readonly MaddpgActingPolicy _policy;
    private readonly Generator _rng;
    private readonly int[] _actions;
    private readonly float[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private bool _started;

    /// <summary>A collector of <paramref name="steps"/> steps per environment per fragment.</summary>
    public MaddpgCollector(MultiAgentVectorEnv env, MaddpgActingPolicy policy, Generator rng, int steps)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (env.Count > policy.MaxEnvs) throw new ArgumentException($"MaddpgCollector: {env.Count} environments, the policy is compiled for {policy.MaxEnvs}.", nameof(policy));
        Steps = steps;
        int n = env.Spec.AgentCount;
        (_actions, _rewards, _terminated, _truncated) = (new int[env.Count * n], new float[env.Count * n], new bool[env.Count], new bool[env.Count]);
    }

    /// <summary>Steps per environment per fragment.</summary>
    public int Steps { get; }

    /// <summary>The environments (finished episodes are drained from here).</summary>
    public MultiAgentVectorEnv Env => _env;

    /// <summary>Acts for <see cref="Steps"/> steps per environment with the weights now in the policy.</summary>
    public MaddpgTransitions Collect(long policyVersion)
    {
        if (!_started)
        {
            _env.Reset();
            _started = true;
        }
        int envs = _env.Count, n = _env.Spec.AgentCount, j = _env.Spec.JointObservationSize, rows = Steps * envs;
        var t = new MaddpgTransitions(new float[rows * j], new int[rows * n], new float[rows * n], new float[rows * j], new float[rows], new long[rows]);
        for (int s = 0; s < Steps; s++)
        {
            int first = s * envs;
            _env.Observations.CopyTo(t.Observations.AsSpan(first * j, envs * j));
            _policy.Act(_env.Observations, envs, _rng, _actions);
            _env.Step(_actions, _rewards, _terminated, _truncated);
            _actions.CopyTo(t.Actions.AsSpan(first * n, envs * n));
            _rewards.CopyTo(t.Rewards.AsSpan(first * n, envs * n));
            for (int e = 0; e < envs; e++)
            {
                bool ended = _terminated[e] || _truncated[e];
                (ended ? _env.FinalObservations : _env.Observations).Slice(e * j, j).CopyTo(t.NextObservations.AsSpan((first + e) * j, j));
                t.Dones[first + e] = _terminated[e] ? 1f : 0f;
                t.PolicyVersions[first + e] = policyVersion;
            }
        }
        return t;
    }
}
