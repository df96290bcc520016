namespace AsyncRL.Models;

/// <summary>How a loss combines its per-element values (PyTorch's <c>reduction</c>).</summary>
public enum Reduction
{
    /// <summary>No reduction: one loss per element (per row for cross-entropy).</summary>
    None = 0,

    /// <summary>The mean over elements (over non-ignored rows for cross-entropy).</summary>
    Mean = 1,

    /// <summary>The sum over elements.</summary>
    Sum = 2,
}
