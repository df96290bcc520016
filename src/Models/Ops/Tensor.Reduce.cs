using System.Numerics.Tensors;

namespace AsyncRL.Models;

public sealed partial class Tensor
{
    /// <summary>Sum of all elements, as a scalar tensor.</summary>
    public Tensor Sum()
    {
        var y = Scalar(TensorPrimitives.Sum(Data));
        if (Autograd.ShouldRecord(this))
        {
            var x = this;
            Autograd.Record("Sum", y, [x], g => TensorPrimitives.Add(x.GradAccumulator(), g[0], x.GradAccumulator()));
        }
        return y;
    }

    /// <summary>Mean of all elements, as a scalar tensor.</summary>
    public Tensor Mean()
    {
        if (Size == 0) throw new InvalidOperationException("Mean: tensor has no elements.");
        var y = Scalar(TensorPrimitives.Sum(Data) / Size);
        if (Autograd.ShouldRecord(this))
        {
            var x = this;
            Autograd.Record("Mean", y, [x], g => TensorPrimitives.Add(x.GradAccumulator(), g[0] / x.Size, x.GradAccumulator()));
        }
        return y;
    }
}
