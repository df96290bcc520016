using System.Globalization;

namespace AsyncRL.Environments.Goals;

/// <summary>
/// Bit-flipping (Andrychowicz et al. 2017, HER §4.1): state and goal in {0, 1}ⁿ drawn uniformly (the goal
/// differs from the start), action i flips bit i, reward −1 until the state equals the goal and 0 on the
/// step that reaches it, which terminates the episode; episodes are cut after n steps. The observation is
/// state ‖ goal (2n floats).
/// </summary>
public sealed class BitFlip : IGoalEnvironment
{
    /// <summary>The registry id.</summary>
    public const string Id = "bitflip";

    /// <summary>The bits when no <c>n</c> is given.</summary>
    public const int DefaultBits = 15;

    /// <summary>Largest n accepted.</summary>
    public const int MaxBits = 256;

    private readonly Generator _rng;
    private readonly float[] _state;
    private readonly float[] _goal;
    private int _steps;

    /// <summary>An environment of <paramref name="bits"/> bits with its own generator.</summary>
    public BitFlip(int bits, Generator rng)
    {
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
        Spec = SpecFor(bits);
        Bits = bits;
        _state = new float[bits];
        _goal = new float[bits];
    }

    /// <summary>n.</summary>
    public int Bits { get; }

    /// <inheritdoc/>
    public EnvSpec Spec { get; }

    /// <inheritdoc/>
    public int GoalSize => Bits;

    /// <summary>The spec of an n-bit task: 2n observations, n actions, n steps, no return threshold (its score is the greedy success rate).</summary>
    public static EnvSpec SpecFor(int bits) =>
        bits is >= 1 and <= MaxBits
            ? new EnvSpec(Id, 2 * bits, bits, bits, null)
            : throw new ArgumentOutOfRangeException(nameof(bits), $"bitflip: n must be in [1, {MaxBits}], got {bits}.");

    /// <summary>n from environment arguments (<c>n=15</c>); throws naming the argument when it does not parse or fit.</summary>
    public static int ParseBits(IReadOnlyDictionary<string, string>? args)
    {
        if (args is null || args.Count == 0) return DefaultBits;
        foreach (var key in args.Keys)
            if (key != "n") throw new ArgumentException($"bitflip: unknown argument '{key}' (it takes n).");
        var text = args["n"];
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > MaxBits)
            throw new ArgumentException($"bitflip: n={text} is not a whole number in [1, {MaxBits}].");
        return n;
    }

    /// <inheritdoc/>
    public void Reset(Span<float> observation)
    {
        do
        {
            for (int i = 0; i < Bits; i++)
            {
                _state[i] = _rng.NextInt(2);
                _goal[i] = _rng.NextInt(2);
            }
        }
        while (_state.AsSpan().SequenceEqual(_goal));
        _steps = 0;
        Observe(observation);
    }

    /// <inheritdoc/>
    public StepResult Step(int action, Span<float> observation)
    {
        if ((uint)action >= (uint)Bits) throw new ArgumentOutOfRangeException(nameof(action), $"bitflip: action must be in [0, {Bits}), got {action}.");
        _state[action] = 1f - _state[action];
        _steps++;
        Observe(observation);
        bool success = IsSuccess(_state, _goal);
        return new StepResult(Reward(_state, _goal), success, !success && _steps >= Bits);
    }

    /// <inheritdoc/>
    public void AchievedGoal(ReadOnlySpan<float> state, Span<float> goal) => state[..Bits].CopyTo(goal);

    /// <inheritdoc/>
    public float Reward(ReadOnlySpan<float> achieved, ReadOnlySpan<float> desired) => IsSuccess(achieved, desired) ? 0f : -1f;

    /// <inheritdoc/>
    public bool IsSuccess(ReadOnlySpan<float> achieved, ReadOnlySpan<float> desired) => achieved[..Bits].SequenceEqual(desired[..Bits]);

    private void Observe(Span<float> o)
    {
        _state.CopyTo(o);
        _goal.CopyTo(o[Bits..]);
    }
}
