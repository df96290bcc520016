using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using HostTensor = AsyncRL.Models.Tensor;

namespace AsyncRL.Models.Torch;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// Adam on torch tensors, the same update as our engine's <see cref="Optim.Adam"/> (and PyTorch's):
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε); with a weight decay λ it is
/// AdamW (θ ← θ(1 − lr·λ) first, on parameters that have a gradient, as <see cref="Optim.AdamW"/>). Its state dict has the
/// managed optimizer's names (<c>step</c>, <c>lr</c>, <c>exp_avg.i</c>, <c>exp_avg_sq.i</c>), so a checkpoint of
/// either engine resumes in the other.
/// </summary>
public sealed class TorchAdam : Optim.IOptimizerState, IDisposable
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly Tensor?[] _m;
    private readonly Tensor?[] _v;

    /// <summary>Creates the optimizer.</summary>
    public TorchAdam(IReadOnlyList<Parameter> parameters, float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f,
        float weightDecay = 0f)
    {
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weightDecay must be ≥ 0, got {weightDecay}.");
        WeightDecay = weightDecay;
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0) throw new ArgumentException("TorchAdam: no parameters given.", nameof(parameters));
        _parameters = parameters;
        (LearningRate, Beta1, Beta2, Eps) = (learningRate, beta1, beta2, eps);
        _m = new Tensor?[parameters.Count];
        _v = new Tensor?[parameters.Count];
        // Scalars are native objects: made once, not per parameter and step, and held while the native calls read them.
        (_beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps) = (_scalars.Of(beta1), _scalars.Of(1 - beta1), _scalars.Of(beta2), _scalars.Of(1 - beta2), _scalars.Of(eps));
    }

    private readonly TorchScalars _scalars = new();
    private readonly TorchSharp.Scalar _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps;

    /// <summary>The learning rate of the next step.</summary>
    public float LearningRate { get; set; }

    /// <summary>β₁.</summary>
    public float Beta1 { get; }

    /// <summary>β₂.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public float Eps { get; }

    /// <summary>Decoupled weight decay λ (0: plain Adam).</summary>
    public float WeightDecay { get; }

    /// <summary>Steps taken.</summary>
    public long StepCount { get; private set; }

    /// <summary>Clears every gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            using var g = p.grad;
            g?.zero_().Dispose(); // zero_ answers a second wrapper of the same tensor
        }
    }

    /// <summary>One Adam step on the parameters' current gradients.</summary>
    public void Step()
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(Beta1, StepCount);
        double bc2 = 1 - Math.Pow(Beta2, StepCount);
        using var stepSize = ((TorchSharp.Scalar)(-LearningRate / bc1));
        using var sqrtBc2 = ((TorchSharp.Scalar)Math.Sqrt(bc2));
        using var decay = WeightDecay > 0 ? (TorchSharp.Scalar)(1 - LearningRate * WeightDecay) : null;
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            using var g = p.grad;
            if (g is null) continue;
            var m = _m[i] ??= zeros_like(p).DetachFromDisposeScope(); // state outlives any caller's scope
            var v = _v[i] ??= zeros_like(p).DetachFromDisposeScope();
            if (decay is not null) p.mul_(decay);
            m.mul_(_beta1).add_(g, alpha: _oneMinusBeta1);
            v.mul_(_beta2).addcmul_(g, g, value: _oneMinusBeta2);
            using var denom = v.sqrt().div_(sqrtBc2).PlusInPlace(_eps);
            p.addcdiv_(m, denom, value: stepSize);
        }
    }

    /// <summary>The state as host tensors under the managed optimizer's names.</summary>
    public IReadOnlyDictionary<string, HostTensor> StateDict()
    {
        var dict = new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            ["step"] = HostTensor.FromArray([StepCount]),
            ["lr"] = HostTensor.FromArray([LearningRate]),
        };
        for (int i = 0; i < _parameters.Count; i++)
        {
            if (_m[i] is { } m) dict[Key("exp_avg", i)] = ToHost(m);
            if (_v[i] is { } v) dict[Key("exp_avg_sq", i)] = ToHost(v);
        }
        return dict;
    }

    /// <summary>Restores a state written by either engine's optimizer for the same parameter list.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, HostTensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue("step", out var step)) throw new ArgumentException("TorchAdam.LoadStateDict: 'step' is missing.", nameof(state));
        for (int i = 0; i < _parameters.Count; i++)
            foreach (var name in new[] { "exp_avg", "exp_avg_sq" })
                if (state.TryGetValue(Key(name, i), out var src) && !src.Shape.ToArray().Select(d => (long)d).SequenceEqual(_parameters[i].shape))
                    throw new ArgumentException($"TorchAdam.LoadStateDict: {Key(name, i)} has shape {HostTensor.ShapeString(src.Shape)}, parameter {i} has [{string.Join(", ", _parameters[i].shape)}].", nameof(state));
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            _m[i] = FromHost(state, Key("exp_avg", i), _parameters[i], _m[i]);
            _v[i] = FromHost(state, Key("exp_avg_sq", i), _parameters[i], _v[i]);
        }
        StepCount = (long)step.Item();
        if (state.TryGetValue("lr", out var lr)) LearningRate = lr.Item();
    }

    private static string Key(string name, int i) => string.Create(CultureInfo.InvariantCulture, $"{name}.{i}");

    private static HostTensor ToHost(Tensor t)
    {
        var host = HostTensor.Zeros([.. t.shape.Select(d => checked((int)d))]);
        TorchNetwork.CopyOut(t, host.Data);
        return host;
    }

    private static Tensor? FromHost(IReadOnlyDictionary<string, HostTensor> state, string key, Parameter like, Tensor? existing)
    {
        existing?.Dispose();
        if (!state.TryGetValue(key, out var src)) return null;
        var t = zeros_like(like).DetachFromDisposeScope();
        TorchNetwork.CopyIn(t, src.Data);
        return t;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _m.Concat(_v)) t?.Dispose();
        _scalars.Dispose();
    }
}
