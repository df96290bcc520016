using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// The Ape-X actor loop: steps a vector env ε-greedily and turns each environment's stream of steps into
/// n-step transitions, with an initial priority from the actor's own Q-values (no extra forward pass: the
/// bootstrap value of transition t is the Q of the observation acted on at t + n). A transition leaves
/// once its window is full or its episode ends, so windows span fragments.
/// </summary>
public sealed class DqnCollector
{
    private readonly VectorEnv _env;
    private readonly DqnActingPolicy _policy;
    private readonly Generator _rng;
    private readonly int _n;
    private readonly float _gamma;
    private readonly float[] _finalEpsilons;
    private readonly long _decaySteps;
    private readonly Window[] _windows;
    private readonly int[] _actions;
    private readonly float[] _epsilons;
    private readonly float[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private long _steps; // per environment
    private bool _started;

    /// <summary>A collector whose environment e explores with <paramref name="epsilons"/>[e] (after an optional linear decay from 1).</summary>
    public DqnCollector(VectorEnv env, DqnActingPolicy policy, Generator rng, int steps, int n, float gamma, ReadOnlySpan<float> epsilons, long epsilonDecaySteps = 0)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (epsilons.Length != env.Count) throw new ArgumentException($"DqnCollector: {epsilons.Length} ε values for {env.Count} environments.", nameof(epsilons));
        (Steps, _n, _gamma, _finalEpsilons, _decaySteps) = (steps, n, gamma, epsilons.ToArray(), epsilonDecaySteps);
        int count = env.Count, o = env.Spec.ObservationSize;
        _windows = [.. Enumerable.Range(0, count).Select(_ => new Window(n, o))];
        (_actions, _epsilons, _rewards, _terminated, _truncated) = (new int[count], new float[count], new float[count], new bool[count], new bool[count]);
    }

    /// <summary>Steps per environment per fragment.</summary>
    public int Steps { get; }

    /// <summary>The environments (finished episodes are drained from here).</summary>
    public VectorEnv Env => _env;

    /// <summary>ε each environment explores with now.</summary>
    public ReadOnlySpan<float> Epsilons => _epsilons;

    /// <summary>Acts for <see cref="Steps"/> steps per environment; returns the transitions completed meanwhile.</summary>
    public DqnTransitions Collect(long policyVersion)
    {
        if (!_started)
        {
            _env.Reset();
            _started = true;
        }
        int count = _env.Count, o = _env.Spec.ObservationSize, a = _policy.ActionCount;
        var output = new Output(o, Steps * count);
        for (int t = 0; t < Steps; t++)
        {
            for (int e = 0; e < count; e++) _epsilons[e] = ApeXExploration.Linear(_steps, _decaySteps, _finalEpsilons[e]);
            _policy.Act(_env.Observations, count, _epsilons, _rng, _actions);
            var q = _policy.Values;
            for (int e = 0; e < count; e++)
            {
                var w = _windows[e];
                var obs = _env.Observations.Slice(e * o, o);
                var qe = q.Slice(e * a, a);
                // The oldest step's window is full: s_{t+n} is the observation being acted on now.
                if (w.Count == _n) Emit(w, 0, obs, System.Numerics.Tensors.TensorPrimitives.Max(qe), terminal: false, output);
                w.Push(obs, _actions[e], qe[_actions[e]], policyVersion);
            }
            _env.Step(_actions, _rewards, _terminated, _truncated);
            _steps++;
            for (int e = 0; e < count; e++)
            {
                var w = _windows[e];
                w.SetLastReward(_rewards[e]);
                if (!_terminated[e] && !_truncated[e]) continue;
                var final = _env.FinalObservations.Slice(e * o, o);
                float bootstrap = _terminated[e] ? 0f : _policy.MaxValue(final);
                while (w.Count > 0) Emit(w, 0, final, bootstrap, _terminated[e], output);
            }
        }
        return output.ToTransitions();
    }

    // Emits the window's oldest step as an m-step transition to `next` and drops it from the window.
    private void Emit(Window w, int k, ReadOnlySpan<float> next, float bootstrapMax, bool terminal, Output output)
    {
        double g = 0, discount = 1;
        for (int j = k; j < w.Count; j++)
        {
            g += discount * w.Reward(j);
            discount *= _gamma;
        }
        float gamma = terminal ? 0f : (float)discount;
        float priority = MathF.Abs((float)g + gamma * bootstrapMax - w.QValue(k));
        output.Add(w.Observation(k), w.Action(k), (float)g, next, gamma, priority, w.Version(k));
        w.PopOldest();
    }

    /// <summary>The last n steps of one environment: a ring of (s, a, r, Q(s, a), version).</summary>
    private sealed class Window(int n, int o)
    {
        private readonly float[] _obs = new float[n * o];
        private readonly int[] _action = new int[n];
        private readonly float[] _reward = new float[n];
        private readonly float[] _q = new float[n];
        private readonly long[] _version = new long[n];
        private int _head;

        public int Count { get; private set; }

        private int Slot(int k) => (_head + k) % n;

        public ReadOnlySpan<float> Observation(int k) => _obs.AsSpan(Slot(k) * o, o);

        public int Action(int k) => _action[Slot(k)];

        public float Reward(int k) => _reward[Slot(k)];

        public float QValue(int k) => _q[Slot(k)];

        public long Version(int k) => _version[Slot(k)];

        public void Push(ReadOnlySpan<float> obs, int action, float q, long version)
        {
            int s = Slot(Count++);
            obs.CopyTo(_obs.AsSpan(s * o, o));
            (_action[s], _q[s], _version[s], _reward[s]) = (action, q, version, 0f);
        }

        public void SetLastReward(float reward) => _reward[Slot(Count - 1)] = reward;

        public void PopOldest()
        {
            _head = (_head + 1) % n;
            Count--;
        }
    }

    private sealed class Output(int o, int expectedRows)
    {
        private readonly List<float> _obs = new(expectedRows * o);
        private readonly List<float> _next = new(expectedRows * o);
        private readonly List<int> _actions = new(expectedRows);
        private readonly List<float> _returns = new(expectedRows);
        private readonly List<float> _discounts = new(expectedRows);
        private readonly List<float> _priorities = new(expectedRows);
        private readonly List<long> _versions = new(expectedRows);

        public void Add(ReadOnlySpan<float> obs, int action, float g, ReadOnlySpan<float> next, float discount, float priority, long version)
        {
            _obs.AddRange(obs);
            _next.AddRange(next);
            _actions.Add(action);
            _returns.Add(g);
            _discounts.Add(discount);
            _priorities.Add(priority);
            _versions.Add(version);
        }

        public DqnTransitions ToTransitions() =>
            new([.. _obs], [.. _actions], [.. _returns], [.. _next], [.. _discounts], [.. _priorities], [.. _versions]);
    }
}
