using System.Numerics.Tensors;

namespace AsyncRL.Models.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, as PyTorch: b ← μb + g (b = g at the first
/// step), θ ← θ − lr·b (or lr·(g + μb) with Nesterov); weight decay adds λθ to g.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor?[] _momentum;

    /// <summary>Creates the optimizer.</summary>
    public Sgd(IEnumerable<Tensor> parameters, float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
        : base(parameters, learningRate)
    {
        Momentum = CheckUnit(momentum, nameof(momentum));
        if (nesterov && momentum == 0) throw new ArgumentException("Sgd: Nesterov momentum needs momentum > 0.", nameof(nesterov));
        Nesterov = nesterov;
        WeightDecay = weightDecay >= 0 ? weightDecay : throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weightDecay must be ≥ 0, got {weightDecay}.");
        _momentum = new Tensor?[Params.Count];
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override void Step()
    {
        StepCount++;
        using var scratch = new PooledBuffer(Params.Max(p => p.Size));
        for (int i = 0; i < Params.Count; i++)
        {
            var p = Params[i];
            if (p.Grad is null) continue;
            var g = scratch.Span[..p.Size];
            p.Grad.Data.CopyTo(g);
            if (WeightDecay > 0) TensorPrimitives.MultiplyAdd(p.Data, WeightDecay, g, g);
            if (Momentum > 0)
            {
                if (_momentum[i] is null)
                {
                    _momentum[i] = NewBuffer(p);
                    g.CopyTo(_momentum[i]!.Data);
                }
                else
                {
                    var b = _momentum[i]!.Data;
                    TensorPrimitives.MultiplyAdd(b, Momentum, g, b);
                }
                var buf = _momentum[i]!.Data;
                if (Nesterov) TensorPrimitives.MultiplyAdd(buf, Momentum, g, g);
                else buf.CopyTo(g);
            }
            TensorPrimitives.MultiplyAdd(g, -LearningRate, p.Data, p.Data);
        }
    }

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor?[] Buffers)> BufferSets() => [("momentum_buffer", _momentum)];
}
