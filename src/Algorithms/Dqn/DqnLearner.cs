using AsyncRL.Models.Optim;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// The learner step of DQN: double-Q n-step targets from a target network, an importance-weighted Huber
/// loss on Q(s, a), Adam with gradient clipping, and the target network refreshed by hard copies every C
/// updates or Polyak averaging. Returns the TD errors so prioritized replay can update priorities.
/// </summary>
public sealed class DqnLearner : IDisposable
{
    private readonly DqnOptions _options;
    private float[] _targets = [];
    private float[] _td = [];
    private float[] _q = [];
    private float[] _nextTarget = [];
    private float[] _nextOnline = [];
    private int[] _actions = [];

    /// <summary>A learner around <paramref name="online"/> (it owns the optimizer and the target copy).</summary>
    public DqnLearner(QNetwork online, DqnOptions options)
    {
        ArgumentNullException.ThrowIfNull(online);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Networks = DqnNetworks.Create(online, options);
    }

    /// <summary>The trained network (published to actors).</summary>
    public QNetwork Online => Networks.Online;

    /// <summary>The target network.</summary>
    public QNetwork Target => Networks.Target;

    /// <summary>The engine that trains them (its optimizer state goes into checkpoints).</summary>
    public IDqnNetworks Networks { get; }

    /// <summary>Updates skipped because the loss or a gradient was NaN or infinite.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Updates applied.</summary>
    public long Updates { get; private set; }

    /// <summary>Restores the update counter after a checkpoint restore.</summary>
    public void RestoreUpdateCount(long updates) => Updates = updates;

    /// <summary>One gradient step on a batch of B transitions; the TD errors y − Q(s, a) stay valid until the next call.</summary>
    /// <param name="observations">s, [B, O].</param>
    /// <param name="actions">a, [B].</param>
    /// <param name="returns">G⁽ⁿ⁾, [B].</param>
    /// <param name="nextObservations">s′, [B, O].</param>
    /// <param name="discounts">γᵐ (0 if terminal), [B].</param>
    /// <param name="weights">Importance weights, [B] (ones for uniform replay).</param>
    public DqnUpdateStats Update(float[] observations, ReadOnlySpan<int> actions, float[] returns, float[] nextObservations, float[] discounts, float[] weights)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(nextObservations);
        ArgumentNullException.ThrowIfNull(discounts);
        ArgumentNullException.ThrowIfNull(weights);
        int b = actions.Length, o = Online.ObservationSize, a = Online.ActionCount;
        if (returns.Length != b || discounts.Length != b || weights.Length != b || observations.Length != b * o || nextObservations.Length != b * o)
            throw new ArgumentException($"DQN update: columns do not fit {b} rows of {o} features.");
        if (_targets.Length != b)
            (_targets, _td, _q, _actions, _nextTarget, _nextOnline) = (new float[b], new float[b], new float[b], new int[b], new float[b * a], new float[b * a]);

        Networks.QValues(target: true, nextObservations, b, _nextTarget);
        if (_options.DoubleQ) Networks.QValues(target: false, nextObservations, b, _nextOnline);
        DqnTargets.Compute(returns, discounts, _options.DoubleQ ? _nextOnline : default, _nextTarget, a, _options.DoubleQ, _targets);
        actions.CopyTo(_actions);
        var step = Networks.Step(observations, _actions, _targets, weights, _q);
        double sum = 0;
        for (int i = 0; i < b; i++)
        {
            _td[i] = _targets[i] - _q[i];
            sum += _q[i];
        }
        if (step.Skipped)
        {
            // the run goes on: nothing changed and the step is counted; non-finite TD errors would poison the priorities
            SkippedSteps++;
            for (int i = 0; i < b; i++) if (!float.IsFinite(_td[i])) _td[i] = 0f;
            return new DqnUpdateStats(step.Loss, (float)(sum / b), float.NaN, step.GradNorm);
        }
        Updates++;
        if (_options.TargetTau > 0) Networks.UpdateTarget(_options.TargetTau);
        else if (Updates % _options.TargetUpdateEvery == 0) Networks.UpdateTarget(1f);
        Networks.PushToHost();
        double absTd = 0;
        foreach (var d in _td) absTd += Math.Abs(d);
        return new DqnUpdateStats(step.Loss, (float)(sum / b), (float)(absTd / b), step.GradNorm);
    }

    /// <inheritdoc />
    public void Dispose() => Networks.Dispose();

    /// <summary>The TD errors y − Q(s, a) of the last update.</summary>
    public ReadOnlySpan<float> TdErrors => _td;
}

/// <summary>What one DQN update did.</summary>
public sealed record DqnUpdateStats(float Loss, float QMean, float TdAbsMean, float GradNorm);
