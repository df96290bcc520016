using System.Numerics.Tensors;

namespace AsyncRL.Models.Optim;

/// <summary>Gradient clipping.</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients together so their global L2 norm is at most <paramref name="maxNorm"/>
    /// (as <c>clip_grad_norm_</c>: factor maxNorm / (norm + 1e-6) when norm exceeds it). Returns the
    /// norm before clipping, which is worth logging; a non-finite norm leaves gradients untouched.
    /// </summary>
    public static float ClipGradNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"ClipGradNorm: maxNorm must be positive, got {maxNorm}.");
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        double sumSq = 0;
        foreach (var g in grads) sumSq += TensorPrimitives.Dot(g.Data, g.Data);
        float norm = (float)Math.Sqrt(sumSq);
        if (!float.IsFinite(norm)) return norm;
        float coef = maxNorm / (norm + 1e-6f);
        if (coef < 1f)
            foreach (var g in grads) TensorPrimitives.Multiply(g.Data, coef, g.Data);
        return norm;
    }
}
