using System.Numerics.Tensors;
using AsyncRL.Models.Backend;

namespace AsyncRL.Models;

/// <summary>Fused operations that are faster than their composition (as torch.nn.functional).</summary>
public static partial class Functional
{
    /// <summary>y = x·Wᵀ + b for x [.., in], W [out, in], b [out] (PyTorch's layout).</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"Linear: weight must be [out, in], got {Tensor.ShapeString(weight.Shape)}.");
        int outF = weight.Dim(0), inF = weight.Dim(1);
        if (x.Rank == 0 || x.Dim(-1) != inF)
            throw new ArgumentException($"Linear: input {Tensor.ShapeString(x.Shape)} does not end in {inF} features (weight {Tensor.ShapeString(weight.Shape)}).");
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != outF))
            throw new ArgumentException($"Linear: bias must be [{outF}], got {Tensor.ShapeString(bias.Shape)}.");
        int rows = x.Size / Math.Max(inF, 1);
        var outShape = x.Shape.ToArray();
        outShape[^1] = outF;
        var y = Tensor.Empty(outShape);
        var yd = y.Data;
        if (bias is not null)
            for (int r = 0; r < rows; r++) bias.Data.CopyTo(yd.Slice(r * outF, outF));
        Gemm.Sgemm(false, true, rows, outF, inF, 1f, x.Data, inF, weight.Data, inF, bias is null ? 0f : 1f, yd, outF);

        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        if (Autograd.ShouldRecord(inputs))
        {
            Autograd.Record("Linear", y, inputs, g =>
            {
                if (x.RequiresGrad) // dx = dy · W
                    Gemm.Sgemm(false, false, rows, inF, outF, 1f, g, outF, weight.Data, inF, 1f, x.GradAccumulator(), inF);
                if (weight.RequiresGrad) // dW = dyᵀ · x
                    Gemm.Sgemm(true, false, outF, inF, rows, 1f, g, outF, x.Data, inF, 1f, weight.GradAccumulator(), inF);
                if (bias is not null && bias.RequiresGrad)
                {
                    var gb = bias.GradAccumulator();
                    for (int r = 0; r < rows; r++) TensorPrimitives.Add(gb, g.Slice(r * outF, outF), gb);
                }
            });
        }
        return y;
    }
}
