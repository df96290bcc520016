namespace AsyncRL.Environments;

/// <summary>
/// N copies of one multi-agent environment stepped together with auto-reset, as <see cref="VectorEnv"/>:
/// after a step that ends an episode, <see cref="Observations"/> holds the new episode's first joint
/// observation and <see cref="FinalObservations"/> the finished episode's last one (truncated episodes
/// bootstrap from it). Finished episodes, with each agent's return, wait in <see cref="DrainEpisodes"/>.
/// </summary>
public sealed class MultiAgentVectorEnv
{
    private readonly IMultiAgentEnvironment[] _envs;
    private readonly float[] _obs;
    private readonly float[] _finalObs;
    private readonly float[] _agentReturns;
    private readonly int[] _lengths;
    private readonly Queue<MultiAgentEpisodeStats> _finished = new();

    /// <summary>Wraps environments that share one spec.</summary>
    public MultiAgentVectorEnv(IEnumerable<IMultiAgentEnvironment> envs)
    {
        ArgumentNullException.ThrowIfNull(envs);
        _envs = [.. envs];
        if (_envs.Length == 0) throw new ArgumentException("MultiAgentVectorEnv: needs at least one environment.", nameof(envs));
        Spec = _envs[0].Spec;
        if (_envs.Any(e => !ReferenceEquals(e.Spec, Spec))) throw new ArgumentException("MultiAgentVectorEnv: all environments must share one spec.", nameof(envs));
        _obs = new float[_envs.Length * Spec.JointObservationSize];
        _finalObs = new float[_obs.Length];
        _agentReturns = new float[_envs.Length * Spec.AgentCount];
        _lengths = new int[_envs.Length];
    }

    /// <summary>The shared spec.</summary>
    public MultiAgentEnvSpec Spec { get; }

    /// <summary>Number of environments.</summary>
    public int Count => _envs.Length;

    /// <summary>Current joint observations, [Count, JointObservationSize].</summary>
    public ReadOnlySpan<float> Observations => _obs;

    /// <summary>For environments whose episode ended at the last step, their final joint observation (else stale).</summary>
    public ReadOnlySpan<float> FinalObservations => _finalObs;

    /// <summary>Finished episodes waiting to be drained.</summary>
    public int PendingEpisodes => _finished.Count;

    /// <summary>Resets every environment.</summary>
    public void Reset()
    {
        int o = Spec.JointObservationSize;
        for (int i = 0; i < _envs.Length; i++) _envs[i].Reset(_obs.AsSpan(i * o, o));
        Array.Clear(_agentReturns);
        Array.Clear(_lengths);
    }

    /// <summary>
    /// Steps every environment: <paramref name="actions"/> is [Count, AgentCount], <paramref name="rewards"/>
    /// receives [Count, AgentCount]; end flags are per environment.
    /// </summary>
    public void Step(ReadOnlySpan<int> actions, Span<float> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        int n = Spec.AgentCount, o = Spec.JointObservationSize;
        if (actions.Length != Count * n || rewards.Length < Count * n || terminated.Length < Count || truncated.Length < Count)
            throw new ArgumentException($"MultiAgentVectorEnv: {Count} environments of {n} agents need {Count * n} actions and reward slots (got {actions.Length} actions).");
        for (int i = 0; i < _envs.Length; i++)
        {
            var obs = _obs.AsSpan(i * o, o);
            var agentRewards = rewards.Slice(i * n, n);
            var r = _envs[i].Step(actions.Slice(i * n, n), obs, agentRewards);
            terminated[i] = r.Terminated;
            truncated[i] = r.Truncated;
            var returns = _agentReturns.AsSpan(i * n, n);
            System.Numerics.Tensors.TensorPrimitives.Add(returns, agentRewards, returns);
            _lengths[i]++;
            if (!r.Done) continue;
            obs.CopyTo(_finalObs.AsSpan(i * o, o));
            float[] perAgent = returns.ToArray();
            _finished.Enqueue(new MultiAgentEpisodeStats(perAgent.Sum(), _lengths[i], perAgent));
            returns.Clear();
            _lengths[i] = 0;
            _envs[i].Reset(obs);
        }
    }

    /// <summary>Moves finished episodes into <paramref name="into"/>; returns how many.</summary>
    public int DrainEpisodes(ICollection<MultiAgentEpisodeStats> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        int n = _finished.Count;
        while (_finished.Count > 0) into.Add(_finished.Dequeue());
        return n;
    }
}
