using System.Numerics.Tensors;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    /// <summary>The same elements viewed with a new shape (one dimension may be -1).</summary>
    public Tensor Reshape(params ReadOnlySpan<int> shape)
    {
        var y = ViewAs(shape);
        if (Autograd.ShouldRecord(this))
        {
            var x = this;
            Autograd.Record("Reshape", y, [x], g => TensorPrimitives.Add(x.GradAccumulator(), g, x.GradAccumulator()));
        }
        return y;
    }
}
