using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;

namespace AsyncRL.Algorithms.Language;

/// <summary>The language seam on our engine: the host models are the trained ones.</summary>
internal sealed class ManagedLanguageEngine : ILanguageEngine
{
    private readonly List<Tensor> _parameters;
    private readonly AdamW _optimizer;
    private readonly float _maxGradNorm;

    public ManagedLanguageEngine(TinyGpt model, TinyGpt? valueModel, LanguageEngineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        Model = model;
        ValueModel = valueModel;
        _parameters = [.. model.Parameters(), .. valueModel?.Parameters() ?? []];
        _optimizer = new AdamW(_parameters, settings.LearningRate, weightDecay: settings.WeightDecay);
        _maxGradNorm = settings.MaxGradNorm;
    }

    public TinyGpt Model { get; }

    public TinyGpt? ValueModel { get; }

    public float LearningRate { get => _optimizer.LearningRate; set => _optimizer.LearningRate = value; }

    public float[] Evaluate(SequenceRows rows, float temperature)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return SequenceLogProbs.Evaluate(Model, rows.Prompts, rows.PromptLength, rows.Completions, rows.Lengths, temperature);
    }

    public ILanguagePass Forward(SequenceRows rows, float temperature)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var scope = DisposeScope.Begin();
        Model.Train();
        var (logProbs, _) = SequenceLogProbs.Forward(Model, rows.Prompts, rows.PromptLength, rows.Completions, rows.Lengths, temperature);
        var values = ValueModel is null ? null
            : SequenceLogProbs.Forward(ValueModel, rows.Prompts, rows.PromptLength, rows.Completions, rows.Lengths, 1f).Scalars;
        return new Pass(scope, logProbs, values);
    }

    public ILanguagePass Rewards(SequenceRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var scope = DisposeScope.Begin();
        Model.Train();
        return new Pass(scope, null, RewardModel.Raw(Model, rows.Prompts, rows.PromptLength, rows.Completions, rows.Lengths));
    }

    public LanguageStepResult Step(ILanguagePass pass, float[] logProbGradient, float[]? scalarGradient)
    {
        ArgumentNullException.ThrowIfNull(logProbGradient);
        using var p = pass as Pass ?? throw new ArgumentException("The pass is not this engine's.", nameof(pass));
        _optimizer.ZeroGrad();
        if (!LanguageEngines.AllFinite(logProbGradient) || (scalarGradient is not null && !LanguageEngines.AllFinite(scalarGradient)))
            return new LanguageStepResult(float.NaN, Skipped: true);
        Surrogate(p, logProbGradient, scalarGradient).Backward();
        float norm = GradClip.ClipGradNorm(_parameters, _maxGradNorm);
        if (!float.IsFinite(norm))
        {
            _optimizer.ZeroGrad();
            return new LanguageStepResult(norm, Skipped: true);
        }
        _optimizer.Step();
        return new LanguageStepResult(norm, Skipped: false);
    }

    public void PushToHost()
    {
        // the host models are the trained ones
    }

    public void PullFromHost()
    {
        // the host models are the trained ones
    }

    public IReadOnlyDictionary<string, Tensor> OptimizerState() => _optimizer.StateDict();

    public void LoadOptimizerState(IReadOnlyDictionary<string, Tensor> state) => _optimizer.LoadStateDict(state);

    public void Dispose()
    {
        // nothing native to release
    }

    /// <summary>Σ g·log π + Σ g_s·s: backward of it sends exactly the upstream gradients into the pass.</summary>
    private static Tensor Surrogate(Pass p, float[] logProbGradient, float[]? scalarGradient)
    {
        Tensor? total = null;
        if (p.LogProbTensor is { } lp && logProbGradient.Length > 0) total = (lp * Tensor.FromArray(logProbGradient, lp.Shape)).Sum();
        if (p.ScalarTensor is { } s && scalarGradient is not null)
        {
            var term = (s * Tensor.FromArray(scalarGradient, s.Shape)).Sum();
            total = total is null ? term : total + term;
        }
        return total ?? throw new ArgumentException("No upstream gradient for this pass.");
    }

    /// <summary>The pass's tensors live in its own dispose scope until the step.</summary>
    private sealed class Pass : ILanguagePass
    {
        private readonly DisposeScope _scope;

        public Pass(DisposeScope scope, Tensor? logProbs, Tensor? scalars)
        {
            _scope = scope;
            (LogProbTensor, ScalarTensor) = (logProbs, scalars);
            LogProbs = logProbs?.ToArray() ?? [];
            Scalars = scalars?.ToArray();
        }

        public Tensor? LogProbTensor { get; }

        public Tensor? ScalarTensor { get; }

        public float[] LogProbs { get; }

        public float[]? Scalars { get; }

        public void Dispose() => _scope.Dispose();
    }
}
