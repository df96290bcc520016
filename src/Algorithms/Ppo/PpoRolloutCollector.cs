using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>Steps a vector env with the acting policy for T steps and packs the result as a <see cref="PpoFragment"/>.</summary>
public sealed class PpoRolloutCollector
{
    private readonly VectorEnv _env;
    private readonly PpoActingPolicy _policy;
    private readonly Generator _rng;
    private readonly int[] _actions;
    private readonly float[] _logp;
    private readonly float[] _values;
    private readonly float[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private bool _started;

    /// <summary>Creates the collector; the env is reset on the first collection.</summary>
    public PpoRolloutCollector(VectorEnv env, PpoActingPolicy policy, Generator rng, int steps)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        Steps = steps;
        int n = env.Count;
        (_actions, _logp, _values, _rewards, _terminated, _truncated) = (new int[n], new float[n], new float[n], new float[n], new bool[n], new bool[n]);
    }

    /// <summary>T.</summary>
    public int Steps { get; }

    /// <summary>The environments (finished episodes are drained from here).</summary>
    public VectorEnv Env => _env;

    /// <summary>Collects one fragment, stamping every row with <paramref name="policyVersion"/>.</summary>
    public PpoFragment Collect(long policyVersion)
    {
        if (!_started)
        {
            _env.Reset();
            _started = true;
        }
        int n = _env.Count, o = _env.Spec.ObservationSize, rows = Steps * n;
        var obs = new float[rows * o];
        var actions = new int[rows];
        var rewards = new float[rows];
        var terminated = new bool[rows];
        var truncated = new bool[rows];
        var logp = new float[rows];
        var values = new float[rows];
        var truncObs = new List<float>();
        for (int t = 0; t < Steps; t++)
        {
            _env.Observations.CopyTo(obs.AsSpan(t * n * o, n * o));
            _policy.Act(_env.Observations, n, _rng, _actions, _logp, _values);
            _env.Step(_actions, _rewards, _terminated, _truncated);
            _actions.CopyTo(actions, t * n);
            _logp.CopyTo(logp, t * n);
            _values.CopyTo(values, t * n);
            _rewards.CopyTo(rewards, t * n);
            _terminated.CopyTo(terminated, t * n);
            _truncated.CopyTo(truncated, t * n);
            for (int e = 0; e < n; e++)
                if (_truncated[e]) truncObs.AddRange(_env.FinalObservations.Slice(e * o, o));
        }
        var versions = new long[rows];
        Array.Fill(versions, policyVersion);
        return new PpoFragment(Steps, n, obs, actions, rewards, terminated, truncated, logp, values, versions,
            _env.Observations.ToArray(), [.. truncObs]);
    }
}
