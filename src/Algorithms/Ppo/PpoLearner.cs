using AsyncRL.Models.Optim;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// The learner side of asynchronous PPO: recomputes values with the current critic, builds GAE (or
/// V-trace) targets per fragment, masks rows staler than the bound, and runs epochs of clipped
/// minibatch updates with the behaviour log-probs as π_old.
/// </summary>
public sealed class PpoLearner : IDisposable
{
    private readonly PpoOptions _options;
    private readonly Generator _rng;
    private readonly LinearAnnealing? _schedule;

    /// <summary>Creates the learner around a model it owns the optimiser of.</summary>
    /// <param name="totalUpdates">Updates over which the learning rate anneals; 0 keeps it constant.</param>
    public PpoLearner(ActorCritic model, PpoOptions options, Generator rng, long totalUpdates = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Model = model;
        _options = options;
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
        Networks = PpoNetworks.Create(model, options);
        if (options.AnnealLearningRate && totalUpdates > 0) _schedule = new LinearAnnealing(options.LearningRate, totalUpdates);
    }

    /// <summary>The trained network.</summary>
    public ActorCritic Model { get; }

    /// <summary>The engine that trains it (its optimizer state goes into checkpoints).</summary>
    public IPpoNetworks Networks { get; }

    /// <summary>Minibatch steps skipped because the loss or a gradient was NaN or infinite.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Updates applied so far.</summary>
    public long Updates { get; private set; }

    /// <summary>Restores the update counter after a checkpoint restore.</summary>
    public void RestoreUpdateCount(long updates) => Updates = updates;

    /// <summary>One update from the given fragments.</summary>
    /// <param name="learnerVersion">The current policy version; a row's staleness is this minus its version.</param>
    /// <param name="maxStaleness">Rows staler than this are left out of the loss (null: keep all).</param>
    public PpoUpdateStats Update(IReadOnlyList<PpoFragment> fragments, long learnerVersion, int? maxStaleness = null)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        int o = Model.ObservationSize;
        int rows = fragments.Sum(f => f.Rows);
        if (rows == 0) throw new ArgumentException("PPO update: no rows.", nameof(fragments));
        foreach (var f in fragments) f.Validate(o, Model.ActionCount);

        var obs = new float[rows * o];
        var actions = new int[rows];
        var logp = new float[rows];
        var behaviourValues = new float[rows];
        var advantages = new float[rows];
        var returns = new float[rows];
        var currentValues = new float[rows];
        var staleness = new long[rows];
        int at = 0;
        foreach (var f in fragments)
        {
            f.Observations.CopyTo(obs, at * o);
            f.Actions.CopyTo(actions, at);
            f.BehaviourLogProbs.CopyTo(logp, at);
            f.BehaviourValues.CopyTo(behaviourValues, at);
            for (int i = 0; i < f.Rows; i++) staleness[at + i] = learnerVersion - f.PolicyVersions[i];
            at += f.Rows;
        }
        Targets(fragments, obs, actions, logp, advantages, returns, currentValues);

        var kept = Enumerable.Range(0, rows).Where(i => maxStaleness is null || staleness[i] <= maxStaleness.Value).ToArray();
        var summary = StalenessSummary.Of(staleness);
        if (kept.Length < _options.Minibatches)
            return new PpoUpdateStats(rows, rows - kept.Length, float.NaN, default, 0, 0, 1, 1, 0, 0, Networks.LearningRate, summary);

        if (_schedule is not null) Networks.LearningRate = _schedule.At(Updates);
        int mb = kept.Length / _options.Minibatches;
        double lossSum = 0, klSum = 0, clipSum = 0, ratioSum = 0, essSum = 0, normSum = 0;
        int count = 0;
        PpoLossStats last = default;
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            Shuffle(kept);
            for (int m = 0; m < _options.Minibatches; m++)
            {
                var idx = kept.AsSpan(m * mb, mb);
                var batch = new PpoMinibatch(mb, new float[mb * o], new int[mb], new float[mb], new float[mb], new float[mb], new float[mb]);
                for (int j = 0; j < mb; j++)
                {
                    int r = idx[j];
                    obs.AsSpan(r * o, o).CopyTo(batch.Observations.AsSpan(j * o, o));
                    batch.Actions[j] = actions[r];
                    batch.BehaviourLogProbs[j] = logp[r];
                    batch.Advantages[j] = advantages[r];
                    batch.Returns[j] = returns[r];
                    batch.BehaviourValues[j] = behaviourValues[r];
                }
                var step = Networks.Step(batch);
                if (step.Skipped)
                {
                    SkippedSteps++;
                    continue;
                }
                var stats = step.Stats;
                normSum += step.GradNorm;
                lossSum += step.Loss;
                klSum += stats.ApproxKl;
                clipSum += stats.ClipFraction;
                ratioSum += stats.RatioMean;
                essSum += stats.EffectiveSampleSize;
                last = stats;
                count++;
            }
        }
        Updates++;
        Networks.PushToHost();
        count = Math.Max(count, 1); // every step skipped: zeros, and SkippedSteps says why
        return new PpoUpdateStats(rows, rows - kept.Length, (float)(lossSum / count), last, (float)(klSum / count), (float)(clipSum / count),
            (float)(ratioSum / count), (float)(essSum / count), ExplainedVariance(currentValues, returns), (float)(normSum / count),
            Networks.LearningRate, summary);
    }

    /// <summary>
    /// Advantages and returns of every fragment with the current critic. The critic (and, for V-trace, the actor)
    /// runs once over all rows and once over all bootstrap states, not per fragment: at a few hundred rows per
    /// update the per-call overhead of small forwards was a visible share of the learner's time.
    /// </summary>
    private void Targets(IReadOnlyList<PpoFragment> fragments, float[] obs, int[] actions, float[] behaviourLogp,
        Span<float> advantages, Span<float> returns, Span<float> values)
    {
        int o = Model.ObservationSize, rows = values.Length;
        Networks.Values(obs, rows, values);
        var bootstrapObs = Stack(fragments, f => f.BootstrapObservations);
        var bootstrap = new float[bootstrapObs.Length / o];
        Networks.Values(bootstrapObs, bootstrap.Length, bootstrap);
        var truncatedObs = Stack(fragments, f => f.TruncatedObservations);
        var truncated = new float[truncatedObs.Length / o];
        if (truncated.Length > 0) Networks.Values(truncatedObs, truncated.Length, truncated);
        var logRatios = new float[_options.UseVTrace ? rows : 0];
        if (_options.UseVTrace)
        {
            Networks.ActionLogProbs(obs, actions, logRatios);
            for (int i = 0; i < rows; i++) logRatios[i] -= behaviourLogp[i];
        }

        int at = 0, boot = 0, trunc = 0;
        foreach (var f in fragments)
        {
            var truncValues = new float[f.Rows];
            for (int i = 0; i < f.Rows; i++) if (f.Truncated[i]) truncValues[i] = truncated[trunc++];
            Span<float> v = values.Slice(at, f.Rows), adv = advantages.Slice(at, f.Rows), ret = returns.Slice(at, f.Rows);
            Span<float> b = bootstrap.AsSpan(boot, f.Envs);
            if (_options.UseVTrace)
            {
                VTrace.Compute(f.Rewards, v, b, f.Terminated, f.Truncated, truncValues, logRatios.AsSpan(at, f.Rows),
                    _options.Gamma, _options.GaeLambda, _options.VTraceClip, _options.VTraceClip, ret, adv);
            }
            else
            {
                Gae.Compute(f.Rewards, v, b, f.Terminated, f.Truncated, truncValues, _options.Gamma, _options.GaeLambda, adv, ret);
            }
            at += f.Rows;
            boot += f.Envs;
        }
    }

    /// <summary>One [Σ rows, O] array of a per-fragment observation array, in fragment order.</summary>
    private static float[] Stack(IReadOnlyList<PpoFragment> fragments, Func<PpoFragment, float[]> part)
    {
        var data = new float[fragments.Sum(f => part(f).Length)];
        int at = 0;
        foreach (var f in fragments)
        {
            part(f).CopyTo(data, at);
            at += part(f).Length;
        }
        return data;
    }

    /// <inheritdoc />
    public void Dispose() => Networks.Dispose();

    private void Shuffle(int[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = _rng.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>1 − Var(returns − values)/Var(returns): how much of the return the critic explains.</summary>
    internal static float ExplainedVariance(ReadOnlySpan<float> values, ReadOnlySpan<float> returns)
    {
        double mean = 0, meanDiff = 0;
        for (int i = 0; i < returns.Length; i++) { mean += returns[i]; meanDiff += returns[i] - values[i]; }
        mean /= returns.Length;
        meanDiff /= returns.Length;
        double varY = 0, varDiff = 0;
        for (int i = 0; i < returns.Length; i++)
        {
            varY += (returns[i] - mean) * (returns[i] - mean);
            double d = returns[i] - values[i] - meanDiff;
            varDiff += d * d;
        }
        return varY == 0 ? float.NaN : (float)(1 - varDiff / varY);
    }
}
