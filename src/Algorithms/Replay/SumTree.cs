namespace AsyncRL.Algorithms.Replay;

/// <summary>
/// A binary sum tree over <see cref="Capacity"/> non-negative leaves (Schaul et al. 2016, proportional
/// prioritisation): O(log n) updates and prefix-sum search, so sampling leaf i with probability
/// pᵢ/Σp costs one descent. It also keeps each subtree's minimum, which importance weights normalise by.
/// Sums are kept in double: a million float leaves would lose the small ones in the root.
/// </summary>
public sealed class SumTree
{
    private readonly double[] _sum;
    private readonly double[] _min;
    private readonly int _leaves; // a power of two ≥ Capacity; leaf i lives at _leaves + i

    /// <summary>A tree of zero leaves (a zero leaf is never sampled; for the minimum it counts as absent).</summary>
    public SumTree(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _leaves = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _sum = new double[2 * _leaves];
        _min = new double[2 * _leaves];
        Array.Fill(_min, double.PositiveInfinity);
    }

    /// <summary>Leaves.</summary>
    public int Capacity { get; }

    /// <summary>Σ of all leaves.</summary>
    public double Total => _sum[1];

    /// <summary>The smallest positive leaf (+∞ when all are zero).</summary>
    public double Min => _min[1];

    /// <summary>Leaf <paramref name="index"/>'s value.</summary>
    public double this[int index] => _sum[_leaves + Check(index)];

    /// <summary>Sets one leaf and its ancestors.</summary>
    public void Set(int index, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), $"SumTree: a leaf must be finite and ≥ 0, got {value}.");
        int i = _leaves + Check(index);
        _sum[i] = value;
        _min[i] = value > 0 ? value : double.PositiveInfinity;
        for (i >>= 1; i >= 1; i >>= 1)
        {
            _sum[i] = _sum[2 * i] + _sum[2 * i + 1];
            _min[i] = Math.Min(_min[2 * i], _min[2 * i + 1]);
        }
    }

    /// <summary>Sets leaves [start, start + values.Length) and recomputes each ancestor once (a batch insert).</summary>
    public void SetRange(int start, ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) return;
        if (start < 0 || start + values.Length > Capacity) throw new ArgumentOutOfRangeException(nameof(start), $"SumTree: range [{start}, {start + values.Length}) is outside [0, {Capacity}).");
        int lo = _leaves + start, hi = lo + values.Length - 1;
        for (int k = 0; k < values.Length; k++)
        {
            double v = values[k];
            if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentOutOfRangeException(nameof(values), $"SumTree: a leaf must be finite and ≥ 0, got {v}.");
            _sum[lo + k] = v;
            _min[lo + k] = v > 0 ? v : double.PositiveInfinity;
        }
        for (lo >>= 1, hi >>= 1; lo >= 1; lo >>= 1, hi >>= 1)
        {
            for (int i = lo; i <= hi; i++)
            {
                _sum[i] = _sum[2 * i] + _sum[2 * i + 1];
                _min[i] = Math.Min(_min[2 * i], _min[2 * i + 1]);
            }
        }
    }

    /// <summary>
    /// The leaf whose cumulative range holds <paramref name="prefix"/> ∈ [0, Total): the smallest i with
    /// Σ_{j≤i} pⱼ &gt; prefix. Rounding at the right edge never lands on a zero leaf.
    /// </summary>
    public int Find(double prefix)
    {
        int i = 1;
        var sum = _sum;
        while (i < _leaves)
        {
            int left = 2 * i;
            double l = sum[left];
            if (prefix < l || sum[left + 1] <= 0) i = left;
            else
            {
                prefix -= l;
                i = left + 1;
            }
        }
        return i - _leaves;
    }

    /// <summary>
    /// <see cref="Find"/> for many prefixes at once, descending one level at a time for all of them. A single
    /// descent is a chain of dependent loads (one cache miss per level in a large tree); interleaving the
    /// descents lets those misses overlap, which is what bounds prioritized sampling.
    /// </summary>
    /// <param name="prefixes">Each in [0, Total).</param>
    /// <param name="leaves">Receives each prefix's leaf; as long as <paramref name="prefixes"/>.</param>
    /// <param name="scratch">Working space for the remaining prefixes; at least as long as <paramref name="prefixes"/>.</param>
    public void FindMany(ReadOnlySpan<double> prefixes, Span<int> leaves, Span<double> scratch)
    {
        int n = prefixes.Length;
        if (leaves.Length < n || scratch.Length < n) throw new ArgumentException("SumTree.FindMany: leaves and scratch must be as long as prefixes.");
        var rest = scratch[..n];
        prefixes.CopyTo(rest);
        var node = leaves[..n];
        node.Fill(1);
        var sum = _sum;
        for (int level = 1; level < _leaves; level <<= 1)
        {
            for (int q = 0; q < n; q++)
            {
                // Branch-free: which way a random prefix goes is a coin flip the predictor cannot learn.
                int left = 2 * node[q];
                double l = sum[left], r = rest[q];
                int right = (r >= l) & (sum[left + 1] > 0) ? 1 : 0;
                rest[q] = r - l * right;
                node[q] = left + right;
            }
        }
        for (int q = 0; q < n; q++) node[q] -= _leaves;
    }

    private int Check(int index) =>
        (uint)index < (uint)Capacity ? index : throw new ArgumentOutOfRangeException(nameof(index), $"SumTree: leaf {index} is outside [0, {Capacity}).");
}
