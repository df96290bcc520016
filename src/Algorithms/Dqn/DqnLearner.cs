using AsyncRL.Models.Optim;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// The learner step of DQN: double-Q n-step targets from a target network, an importance-weighted Huber
/// loss on Q(s, a), Adam with gradient clipping, and the target network refreshed by hard copies every C
/// updates or Polyak averaging. Returns the TD errors so prioritized replay can update priorities.
/// </summary>
public sealed class DqnLearner
{
    private readonly DqnOptions _options;
    private readonly Tensor[] _parameters;
    private float[] _targets = [];
    private float[] _td = [];

    /// <summary>A learner around <paramref name="online"/> (it owns the optimizer and the target copy).</summary>
    public DqnLearner(QNetwork online, DqnOptions options)
    {
        ArgumentNullException.ThrowIfNull(online);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Online = online;
        Target = online.CloneNetwork();
        Target.Eval();
        _parameters = [.. online.Parameters()];
        Optimizer = new Adam(_parameters, options.LearningRate);
    }

    /// <summary>The trained network (published to actors).</summary>
    public QNetwork Online { get; }

    /// <summary>The target network.</summary>
    public QNetwork Target { get; }

    /// <summary>The optimizer (its state goes into checkpoints).</summary>
    public Adam Optimizer { get; }

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
        if (_targets.Length != b) (_targets, _td) = (new float[b], new float[b]);

        float loss, qMean, gradNorm;
        using (DisposeScope.Begin())
        {
            using (Autograd.NoGrad())
            {
                var next = new Tensor(nextObservations, b, o);
                var nextTarget = Target.Forward(next).Data;
                var nextOnline = _options.DoubleQ ? Online.Forward(next).Data : default;
                DqnTargets.Compute(returns, discounts, nextOnline, nextTarget, a, _options.DoubleQ, _targets);
            }
            var q = Online.Forward(new Tensor(observations, b, o)).Gather(actions);
            var perRow = Losses.HuberLoss(q, new Tensor(_targets, b), _options.HuberDelta, Reduction.None);
            var lossTensor = (perRow * new Tensor(weights, b)).Mean();
            Optimizer.ZeroGrad();
            lossTensor.Backward();
            gradNorm = GradClip.ClipGradNorm(_parameters, _options.MaxGradNorm);
            Optimizer.Step();
            loss = lossTensor.Item();
            var qs = q.Data;
            double sum = 0;
            for (int i = 0; i < b; i++)
            {
                _td[i] = _targets[i] - qs[i];
                sum += qs[i];
            }
            qMean = (float)(sum / b);
        }
        Updates++;
        if (_options.TargetTau > 0) Target.PolyakUpdate(Online, _options.TargetTau);
        else if (Updates % _options.TargetUpdateEvery == 0) Target.CopyFrom(Online);
        double absTd = 0;
        foreach (var d in _td) absTd += Math.Abs(d);
        return new DqnUpdateStats(loss, qMean, (float)(absTd / b), gradNorm);
    }

    /// <summary>The TD errors y − Q(s, a) of the last update.</summary>
    public ReadOnlySpan<float> TdErrors => _td;
}

/// <summary>What one DQN update did.</summary>
public sealed record DqnUpdateStats(float Loss, float QMean, float TdAbsMean, float GradNorm);
