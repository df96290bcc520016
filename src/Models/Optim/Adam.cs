using System.Numerics;

namespace AsyncRL.Models.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba), updated exactly as PyTorch does:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
/// With <c>decoupledWeightDecay</c> it is AdamW (θ ← θ(1 − lr·λ) first); otherwise λθ is added to g.
/// </summary>
public class Adam : Optimizer
{
    private readonly Tensor?[] _m;
    private readonly Tensor?[] _v;

    /// <summary>Creates the optimizer.</summary>
    public Adam(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float eps = 1e-8f, float weightDecay = 0f, bool decoupledWeightDecay = false)
        : base(parameters, learningRate)
    {
        Beta1 = CheckUnit(beta1, nameof(beta1));
        Beta2 = CheckUnit(beta2, nameof(beta2));
        Eps = eps >= 0 ? eps : throw new ArgumentOutOfRangeException(nameof(eps), $"eps must be ≥ 0, got {eps}.");
        WeightDecay = weightDecay >= 0 ? weightDecay : throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weightDecay must be ≥ 0, got {weightDecay}.");
        DecoupledWeightDecay = decoupledWeightDecay;
        _m = new Tensor?[Params.Count];
        _v = new Tensor?[Params.Count];
    }

    /// <summary>β₁.</summary>
    public float Beta1 { get; }

    /// <summary>β₂.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public float Eps { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>AdamW-style decay.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <inheritdoc/>
    public override void Step()
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(Beta1, StepCount);
        double bc2 = 1 - Math.Pow(Beta2, StepCount);
        float stepSize = (float)(LearningRate / bc1);
        float invSqrtBc2 = (float)(1 / Math.Sqrt(bc2));
        for (int i = 0; i < Params.Count; i++)
        {
            var p = Params[i];
            if (p.Grad is null) continue;
            var m = _m[i] ??= NewBuffer(p);
            var v = _v[i] ??= NewBuffer(p);
            if (DecoupledWeightDecay && WeightDecay > 0)
                System.Numerics.Tensors.TensorPrimitives.Multiply(p.Data, 1 - LearningRate * WeightDecay, p.Data);
            float l2 = DecoupledWeightDecay ? 0f : WeightDecay;
            Update(p.Data, p.Grad.Data, m.Data, v.Data, l2, stepSize, invSqrtBc2);
        }
    }

    private void Update(Span<float> theta, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float l2, float stepSize, float invSqrtBc2)
    {
        float b1 = Beta1, b2 = Beta2, eps = Eps;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<float>.Count;
            var vb1 = new Vector<float>(b1);
            var vb1c = new Vector<float>(1 - b1);
            var vb2 = new Vector<float>(b2);
            var vb2c = new Vector<float>(1 - b2);
            var vl2 = new Vector<float>(l2);
            var vStep = new Vector<float>(stepSize);
            var vInv = new Vector<float>(invSqrtBc2);
            var vEps = new Vector<float>(eps);
            for (; i <= theta.Length - w; i += w)
            {
                var th = new Vector<float>(theta[i..]);
                var g = new Vector<float>(grad[i..]) + vl2 * th;
                var mi = vb1 * new Vector<float>(m[i..]) + vb1c * g;
                var vi = vb2 * new Vector<float>(v[i..]) + vb2c * g * g;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (th - vStep * mi / (Vector.SquareRoot(vi) * vInv + vEps)).CopyTo(theta[i..]);
            }
        }
        for (; i < theta.Length; i++)
        {
            float g = grad[i] + l2 * theta[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            theta[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) * invSqrtBc2 + eps);
        }
    }

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor?[] Buffers)> BufferSets() => [("exp_avg", _m), ("exp_avg_sq", _v)];
}

/// <summary>Adam with decoupled weight decay (Loshchilov &amp; Hutter), PyTorch's defaults (λ = 0.01).</summary>
public sealed class AdamW(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
    float eps = 1e-8f, float weightDecay = 0.01f)
    : Adam(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupledWeightDecay: true);
