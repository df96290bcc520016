using AsyncRL.Algorithms.Dqn;
using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Her;

/// <summary>
/// Steps a vector env ε-greedily and hands over whole episodes only (relabelling needs each episode's
/// later steps); an episode still running at the end of a fragment goes out with a later one.
/// </summary>
public sealed class HerCollector
{
    private readonly VectorEnv _env;
    private readonly DqnActingPolicy _policy;
    private readonly Generator _rng;
    private readonly float[] _epsilons;
    private readonly List<Row>[] _running;
    private readonly int[] _actions;
    private readonly float[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private bool _started;

    /// <summary>A collector whose environment e explores with <paramref name="epsilons"/>[e].</summary>
    public HerCollector(VectorEnv env, DqnActingPolicy policy, Generator rng, int steps, ReadOnlySpan<float> epsilons)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (epsilons.Length != env.Count) throw new ArgumentException($"HerCollector: {epsilons.Length} ε values for {env.Count} environments.", nameof(epsilons));
        Steps = steps;
        _epsilons = epsilons.ToArray();
        int n = env.Count;
        _running = [.. Enumerable.Range(0, n).Select(_ => new List<Row>())];
        (_actions, _rewards, _terminated, _truncated) = (new int[n], new float[n], new bool[n], new bool[n]);
    }

    /// <summary>Steps per environment per fragment (more when no episode has finished yet).</summary>
    public int Steps { get; }

    /// <summary>The environments (finished episodes are drained from here).</summary>
    public VectorEnv Env => _env;

    /// <summary>Acts for at least <see cref="Steps"/> steps per environment and until an episode has finished; returns the finished episodes and the steps taken.</summary>
    public (HerEpisodes Episodes, long EnvSteps) Collect(long policyVersion)
    {
        if (!_started)
        {
            _env.Reset();
            _started = true;
        }
        int n = _env.Count, o = _env.Spec.ObservationSize;
        var done = new List<Row>();
        long steps = 0;
        for (int t = 0; t < Steps || done.Count == 0; t++)
        {
            var obs = _env.Observations.ToArray();
            _policy.Act(obs, n, _epsilons, _rng, _actions);
            _env.Step(_actions, _rewards, _terminated, _truncated);
            steps += n;
            for (int e = 0; e < n; e++)
            {
                bool end = _terminated[e] || _truncated[e];
                var next = (end ? _env.FinalObservations : _env.Observations).Slice(e * o, o).ToArray();
                var episode = _running[e];
                episode.Add(new Row(obs.AsSpan(e * o, o).ToArray(), _actions[e], _rewards[e], next, _terminated[e], _truncated[e], episode.Count, policyVersion));
                if (!end) continue;
                done.AddRange(episode);
                episode.Clear();
            }
        }
        return (new HerEpisodes(
            [.. done.SelectMany(r => r.Obs)], [.. done.Select(r => r.Action)], [.. done.Select(r => r.Reward)], [.. done.SelectMany(r => r.Next)],
            [.. done.Select(r => r.Terminated)], [.. done.Select(r => r.Truncated)], [.. done.Select(r => r.Step)], [.. done.Select(r => r.Version)]), steps);
    }

    private sealed record Row(float[] Obs, int Action, float Reward, float[] Next, bool Terminated, bool Truncated, int Step, long Version);
}
