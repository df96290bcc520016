using System.Buffers;

namespace AsyncRL.Models;

/// <summary>
/// The reverse-mode tape. Operations call <see cref="Record"/>; <see cref="Tensor.Backward()"/>
/// walks the recorded graph in reverse topological order. Non-leaf gradients live in pooled
/// buffers that are returned as soon as their node has propagated them.
/// </summary>
public static class Autograd
{
    [ThreadStatic] private static int t_noGradDepth;
    [ThreadStatic] private static List<Tensor>? t_order;
    [ThreadStatic] private static Stack<(Tensor, int)>? t_stack;
    private static int s_visitStamp;

    /// <summary>True when operations record gradient history on this thread.</summary>
    public static bool IsGradEnabled => t_noGradDepth == 0;

    /// <summary>Disables recording on this thread until the returned scope is disposed.</summary>
    public static NoGradScope NoGrad()
    {
        t_noGradDepth++;
        return new NoGradScope();
    }

    /// <summary>Restores recording when disposed.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_noGradDepth--;
    }

    /// <summary>True when an op on these inputs should be recorded.</summary>
    internal static bool ShouldRecord(Tensor a) => t_noGradDepth == 0 && a.RequiresGrad;

    internal static bool ShouldRecord(Tensor a, Tensor b) => t_noGradDepth == 0 && (a.RequiresGrad || b.RequiresGrad);

    internal static bool ShouldRecord(ReadOnlySpan<Tensor> inputs)
    {
        if (t_noGradDepth != 0) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Attaches a backward function to <paramref name="output"/> if any input requires grad.</summary>
    internal static void Record(string name, Tensor output, Tensor[] inputs, BackwardFn backward)
    {
        if (!ShouldRecord(inputs)) return;
        output.SetGradFn(new GradNode(name, inputs, backward));
    }

    internal static void Run(Tensor root, ReadOnlySpan<float> seed)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: the tensor does not require grad (no parameter contributed to it, or it was computed under NoGrad).");
        if (root.IsLeaf)
        {
            Accumulate(root.GradAccumulator(), seed);
            return;
        }

        var order = TopologicalOrder(root);
        Accumulate(root.GradAccumulator(), seed);
        using (NoGrad())
        {
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var t = order[i];
                var g = t.TakePendingGrad();
                if (g is null) continue; // no gradient reached this node
                try
                {
                    t.GradFn!.Backward(g.AsSpan(0, t.Size));
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(g);
                }
            }
        }
        order.Clear();
    }

    private static void Accumulate(Span<float> dst, ReadOnlySpan<float> src)
    {
        System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
    }

    // Iterative DFS post-order over non-leaf tensors: deep graphs (long sequences) must not overflow the stack.
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = t_order ??= [];
        var stack = t_stack ??= new();
        order.Clear();
        int stamp = Interlocked.Increment(ref s_visitStamp);
        root.GradFn!.Visit = stamp;
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                var node = child.GradFn;
                if (node is not null && node.Visit != stamp)
                {
                    node.Visit = stamp;
                    stack.Push((child, 0));
                }
            }
            else
            {
                order.Add(t);
            }
        }
        return order;
    }
}
