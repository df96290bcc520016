using AsyncRL.Models.Backend;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AsyncRL.Algorithms.Language;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using TorchTensor = TorchSharp.torch.Tensor;

/// <summary>
/// The language seam on libtorch: <see cref="TorchTinyGpt"/> twins of the host models (paired by parameter name),
/// the same teacher-forced log-probabilities and scalar reads as <see cref="SequenceLogProbs"/> and
/// <see cref="RewardModel.Raw"/>, and AdamW (<see cref="TorchAdam"/>) over the policy and value model together.
/// </summary>
internal sealed class TorchLanguageEngine : ILanguageEngine
{
    private readonly Device _device;
    private readonly TorchTinyGpt _model;
    private readonly TorchNetwork _network;
    private readonly TorchTinyGpt? _value;
    private readonly TorchNetwork? _valueNetwork;
    private readonly TorchAdam _optimizer;
    private readonly List<TorchSharp.Modules.Parameter> _parameters;
    private readonly float _maxGradNorm;

    public TorchLanguageEngine(TinyGpt model, TinyGpt? valueModel, LanguageEngineSettings settings, string device)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        Model = model;
        ValueModel = valueModel;
        _device = TorchRuntime.Resolve(device);
        TorchRuntime.SetThreads(Gemm.Threads);
        _model = new TorchTinyGpt(model.Config);
        _network = new TorchNetwork(_model, model, _device);
        if (valueModel is not null)
        {
            _value = new TorchTinyGpt(valueModel.Config);
            _valueNetwork = new TorchNetwork(_value, valueModel, _device);
        }
        // The managed optimizer's parameter order (policy, then value model), so optimizer state round-trips by index.
        _parameters = [.. _network.Parameters, .. _valueNetwork?.Parameters ?? []];
        _optimizer = new TorchAdam(_parameters, settings.LearningRate, weightDecay: settings.WeightDecay);
        _maxGradNorm = settings.MaxGradNorm;
    }

    public TinyGpt Model { get; }

    public TinyGpt? ValueModel { get; }

    public float LearningRate { get => _optimizer.LearningRate; set => _optimizer.LearningRate = value; }

    public float[] Evaluate(SequenceRows rows, float temperature)
    {
        using var _ = no_grad();
        using var pass = (Pass)Forward(rows, temperature);
        return pass.LogProbs;
    }

    public ILanguagePass Forward(SequenceRows rows, float temperature)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!(temperature > 0) || !float.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be positive, got {temperature}.");
        var scope = NewDisposeScope();
        try
        {
            int n = rows.Rows, tp = rows.PromptLength, tc = rows.CompletionLength;
            var input = Ids(SequenceLogProbs.Inputs(rows.Prompts, tp, rows.Completions, n, tc), n, tp + tc - 1);
            var selected = _model.forward(input).narrow(1, tp - 1, tc);
            if (temperature != 1f)
            {
                using Scalar inverse = 1f / temperature;
                selected = selected.mul(inverse);
            }
            var mask = tensor(Completions.Mask(rows.Lengths, tc), [n, tc], device: _device);
            var logProbs = selected.log_softmax(-1).gather(-1, Ids(rows.Completions, n, tc).unsqueeze(-1)).squeeze(-1) * mask;
            var values = _value?.ForwardWithScalar(input).Scalars!.narrow(1, tp - 1, tc);
            return new Pass(scope, logProbs, values);
        }
        catch
        {
            scope.Dispose(); // else it stays this thread's current scope
            throw;
        }
    }

    public ILanguagePass Rewards(SequenceRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!Model.Config.ScalarHead) throw new InvalidOperationException("Rewards need a TinyGpt with a scalar head.");
        int n = rows.Rows, tp = rows.PromptLength, tc = rows.CompletionLength, t = tp + tc;
        var input = new int[n * t];
        var last = new long[n];
        for (int r = 0; r < n; r++)
        {
            rows.Prompts.AsSpan(r * tp, tp).CopyTo(input.AsSpan(r * t));
            rows.Completions.AsSpan(r * tc, tc).CopyTo(input.AsSpan(r * t + tp));
            last[r] = tp + Math.Max(rows.Lengths[r], 1) - 1;
        }
        var scope = NewDisposeScope();
        try
        {
            var scalars = _model.ForwardWithScalar(Ids(input, n, t)).Scalars!;
            return new Pass(scope, null, scalars.gather(1, tensor(last, [n, 1], device: _device)).squeeze(-1));
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    public LanguageStepResult Step(ILanguagePass pass, float[] logProbGradient, float[]? scalarGradient)
    {
        ArgumentNullException.ThrowIfNull(logProbGradient);
        using var p = pass as Pass ?? throw new ArgumentException("The pass is not this engine's.", nameof(pass));
        _optimizer.ZeroGrad();
        if (!LanguageEngines.AllFinite(logProbGradient) || (scalarGradient is not null && !LanguageEngines.AllFinite(scalarGradient)))
            return new LanguageStepResult(float.NaN, Skipped: true);
        // This step's tensors in a scope of their own, whichever thread made the pass.
        using var scope = NewDisposeScope();
        TorchTensor? total = null;
        if (p.LogProbTensor is { } lp && logProbGradient.Length > 0) total = (lp * tensor(logProbGradient, lp.shape, device: _device)).sum();
        if (p.ScalarTensor is { } s && scalarGradient is not null)
        {
            var term = (s * tensor(scalarGradient, s.shape, device: _device)).sum();
            total = total is null ? term : total.Plus(term);
        }
        (total ?? throw new ArgumentException("No upstream gradient for this pass.")).backward();
        float norm = (float)nn.utils.clip_grad_norm_(_parameters, _maxGradNorm);
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
        _network.PushToHost();
        _valueNetwork?.PushToHost();
    }

    public void PullFromHost()
    {
        _network.PullFromHost();
        _valueNetwork?.PullFromHost();
    }

    public IReadOnlyDictionary<string, Models.Tensor> OptimizerState() => _optimizer.StateDict();

    public void LoadOptimizerState(IReadOnlyDictionary<string, Models.Tensor> state) => _optimizer.LoadStateDict(state);

    public void Dispose()
    {
        _optimizer.Dispose();
        _network.Dispose();
        _valueNetwork?.Dispose();
    }

    private TorchTensor Ids(int[] ids, int rows, int columns) => tensor(ids.Select(i => (long)i).ToArray(), [rows, columns], device: _device);

    /// <summary>The pass's tensors live in its own dispose scope until the step.</summary>
    private sealed class Pass : ILanguagePass
    {
        private readonly TorchSharp.DisposeScope _scope;

        public Pass(TorchSharp.DisposeScope scope, TorchTensor? logProbs, TorchTensor? scalars)
        {
            _scope = scope;
            (LogProbTensor, ScalarTensor) = (logProbs, scalars);
            LogProbs = logProbs is null ? [] : HostCopy(logProbs);
            Scalars = scalars is null ? null : HostCopy(scalars);
        }

        public TorchTensor? LogProbTensor { get; }

        public TorchTensor? ScalarTensor { get; }

        public float[] LogProbs { get; }

        public float[]? Scalars { get; }

        public void Dispose() => _scope.Dispose();

        private static float[] HostCopy(TorchTensor t)
        {
            var data = new float[t.numel()];
            using var contiguous = t.detach().contiguous();
            TorchNetwork.CopyOut(contiguous, data);
            return data;
        }
    }
}
