namespace AsyncRL.Environments;

/// <summary>
/// N copies of one environment stepped together with auto-reset, as Gymnasium's vector envs:
/// after a step that ends an episode, <see cref="Observations"/> holds the new episode's first
/// observation and <see cref="FinalObservations"/> the last one of the finished episode (needed to
/// bootstrap truncated episodes). Finished episodes are queued for <see cref="DrainEpisodes"/>.
/// </summary>
public sealed class VectorEnv
{
    private readonly IEnvironment[] _envs;
    private readonly float[] _obs;
    private readonly float[] _finalObs;
    private readonly float[] _returns;
    private readonly int[] _lengths;
    private readonly Queue<EpisodeStats> _finished = new();

    /// <summary>Wraps environments that share one spec.</summary>
    public VectorEnv(IEnumerable<IEnvironment> envs)
    {
        ArgumentNullException.ThrowIfNull(envs);
        _envs = [.. envs];
        if (_envs.Length == 0) throw new ArgumentException("VectorEnv: needs at least one environment.", nameof(envs));
        Spec = _envs[0].Spec;
        if (_envs.Any(e => e.Spec != Spec)) throw new ArgumentException("VectorEnv: all environments must share one spec.", nameof(envs));
        _obs = new float[_envs.Length * Spec.ObservationSize];
        _finalObs = new float[_obs.Length];
        _returns = new float[_envs.Length];
        _lengths = new int[_envs.Length];
    }

    /// <summary>The shared spec.</summary>
    public EnvSpec Spec { get; }

    /// <summary>Number of environments.</summary>
    public int Count => _envs.Length;

    /// <summary>Current observations, [Count, ObservationSize].</summary>
    public ReadOnlySpan<float> Observations => _obs;

    /// <summary>For environments whose episode ended at the last step, their final observation (else stale).</summary>
    public ReadOnlySpan<float> FinalObservations => _finalObs;

    /// <summary>Finished episodes waiting to be drained.</summary>
    public int PendingEpisodes => _finished.Count;

    /// <summary>Resets every environment.</summary>
    public void Reset()
    {
        int o = Spec.ObservationSize;
        for (int i = 0; i < _envs.Length; i++)
        {
            _envs[i].Reset(_obs.AsSpan(i * o, o));
            _returns[i] = 0;
            _lengths[i] = 0;
        }
    }

    /// <summary>Steps every environment with its action; writes rewards and end flags per environment.</summary>
    public void Step(ReadOnlySpan<int> actions, Span<float> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        if (actions.Length != Count || rewards.Length < Count || terminated.Length < Count || truncated.Length < Count)
            throw new ArgumentException($"VectorEnv: {Count} environments need {Count} actions and result slots (got {actions.Length} actions).");
        int o = Spec.ObservationSize;
        for (int i = 0; i < _envs.Length; i++)
        {
            var obs = _obs.AsSpan(i * o, o);
            var r = _envs[i].Step(actions[i], obs);
            rewards[i] = r.Reward;
            terminated[i] = r.Terminated;
            truncated[i] = r.Truncated;
            _returns[i] += r.Reward;
            _lengths[i]++;
            if (!r.Done) continue;
            obs.CopyTo(_finalObs.AsSpan(i * o, o));
            _finished.Enqueue(new EpisodeStats(_returns[i], _lengths[i]));
            _returns[i] = 0;
            _lengths[i] = 0;
            _envs[i].Reset(obs);
        }
    }

    /// <summary>Moves finished episodes into <paramref name="into"/>; returns how many.</summary>
    public int DrainEpisodes(ICollection<EpisodeStats> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        int n = _finished.Count;
        while (_finished.Count > 0) into.Add(_finished.Dequeue());
        return n;
    }
}
