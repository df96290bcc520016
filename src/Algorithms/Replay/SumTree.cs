using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AsyncRL.Algorithms.Replay;

/// <summary>
/// A sum tree over <see cref="Capacity"/> non-negative leaves (Schaul et al. 2016, proportional
/// prioritisation): O(log n) updates and prefix-sum search, so sampling leaf i with probability
/// pᵢ/Σp costs one descent. It also keeps the minimum leaf, which importance weights normalise by.
/// Sums are kept in double: a million float leaves would lose the small ones in the root.
/// </summary>
/// <remarks>
/// Each node has <see cref="Fan"/> = 8 children stored side by side: eight doubles are one 64-byte cache line,
/// so a descent touches one line per level and a million leaves are 7 levels deep instead of 20. Sampling is
/// bound by those dependent loads, not by the few extra additions a wide node costs.
/// </remarks>
public sealed class SumTree
{
    private const int Fan = 8;
    private const int FanShift = 3;

    // Level 0 holds the leaves, level h the sums of level h−1's groups of Fan; every level's length is a
    // multiple of Fan (zero padding), and the top level has at most Fan entries, whose sum is the total.
    private readonly double[] _sum;
    private readonly double[] _min;
    private readonly int[] _offset; // where each level starts in _sum and _min
    private readonly int _top;      // index of the top level
    private double _total;
    private double _minimum = double.PositiveInfinity;

    /// <summary>A tree of zero leaves (a zero leaf is never sampled; for the minimum it counts as absent).</summary>
    public SumTree(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        var lengths = new List<int> { RoundUp(capacity) };
        while (lengths[^1] > Fan) lengths.Add(RoundUp(lengths[^1] >> FanShift));
        _top = lengths.Count - 1;
        _offset = new int[lengths.Count];
        for (int h = 1; h < lengths.Count; h++) _offset[h] = _offset[h - 1] + lengths[h - 1];
        int size = _offset[_top] + lengths[_top];
        _sum = new double[size];
        _min = new double[size];
        Array.Fill(_min, double.PositiveInfinity);
    }

    /// <summary>Leaves.</summary>
    public int Capacity { get; }

    /// <summary>Σ of all leaves.</summary>
    public double Total => _total;

    /// <summary>The smallest positive leaf (+∞ when all are zero).</summary>
    public double Min => _minimum;

    /// <summary>Leaf <paramref name="index"/>'s value.</summary>
    public double this[int index] => _sum[Check(index)];

    /// <summary>Sets one leaf and its ancestors.</summary>
    public void Set(int index, double value)
    {
        CheckValue(value, nameof(value));
        int i = Check(index);
        _sum[i] = value;
        _min[i] = value > 0 ? value : double.PositiveInfinity;
        for (int h = 1; h <= _top; h++)
        {
            i >>= FanShift;
            Recompute(h, i);
        }
        RecomputeRoot();
    }

    /// <summary>Sets leaves [start, start + values.Length) and recomputes each ancestor once (a batch insert).</summary>
    public void SetRange(int start, ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) return;
        if (start < 0 || start + values.Length > Capacity) throw new ArgumentOutOfRangeException(nameof(start), $"SumTree: range [{start}, {start + values.Length}) is outside [0, {Capacity}).");
        for (int k = 0; k < values.Length; k++)
        {
            double v = values[k];
            CheckValue(v, nameof(values));
            _sum[start + k] = v;
            _min[start + k] = v > 0 ? v : double.PositiveInfinity;
        }
        int lo = start, hi = start + values.Length - 1;
        for (int h = 1; h <= _top; h++)
        {
            lo >>= FanShift;
            hi >>= FanShift;
            for (int i = lo; i <= hi; i++) Recompute(h, i);
        }
        RecomputeRoot();
    }

    /// <summary>
    /// The leaf whose cumulative range holds <paramref name="prefix"/> ∈ [0, Total): the smallest i with
    /// Σ_{j≤i} pⱼ &gt; prefix. Rounding at the right edge never lands on a zero leaf.
    /// </summary>
    public int Find(double prefix)
    {
        int node = 0;
        for (int h = _top; h >= 0; h--) node = (node << FanShift) + Child(_offset[h] + (node << FanShift), ref prefix);
        return node;
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
        node.Clear();
        for (int h = _top; h >= 0; h--)
        {
            int offset = _offset[h];
            for (int q = 0; q < n; q++) node[q] = (node[q] << FanShift) + Child(offset + (node[q] << FanShift), ref rest[q]);
        }
    }

    /// <summary>
    /// Which of the Fan children starting at <paramref name="first"/> holds <paramref name="prefix"/>, which is
    /// made relative to that child. Past the last non-zero child (rounding at the edge) it stays on that child.
    /// The cumulative sums only grow, so "prefix ≥ sum through child c" holds for a leading run of c: the child
    /// is the length of that run, counted without a branch (a random prefix leaves the predictor nothing to learn).
    /// </summary>
    private int Child(int first, ref double prefix)
    {
        var s = _sum.AsSpan(first, Fan);
        double p = prefix, before;
        int k;
        if (Avx2.IsSupported) (k, before) = RunAvx2(s, p);
        else (k, before) = RunScalar(s, p);
        if (s[k] == 0) (k, before) = LastNonZero(s, k, before); // only past the end of the non-zero mass
        prefix = p - before;
        return k;
    }

    /// <summary>The run length and the sum before it: both halves' prefix sums in two shuffle-and-add steps each.</summary>
    internal static (int K, double Before) RunAvx2(ReadOnlySpan<double> s, double p)
    {
        ref double s0 = ref MemoryMarshal.GetReference(s);
        Vector256<double> lo = Vector256.LoadUnsafe(ref s0), hi = Vector256.LoadUnsafe(ref s0, 4), zero = Vector256<double>.Zero;
        lo += Avx.Blend(zero, Avx2.Permute4x64(lo, 0b10_01_00_00), 0b1110); // [a, a+b, b+c, c+d]
        lo += Avx.Blend(zero, Avx2.Permute4x64(lo, 0b01_00_00_00), 0b1100); // [a, a+b, a+b+c, a+b+c+d]
        hi += Avx.Blend(zero, Avx2.Permute4x64(hi, 0b10_01_00_00), 0b1110);
        hi += Avx.Blend(zero, Avx2.Permute4x64(hi, 0b01_00_00_00), 0b1100);
        hi += Vector256.Create(lo.GetElement(3));
        var pv = Vector256.Create(p);
        uint past = Avx.CompareGreaterThanOrEqual(pv, lo).ExtractMostSignificantBits()
            | (Avx.CompareGreaterThanOrEqual(pv, hi).ExtractMostSignificantBits() << 4);
        int k = System.Numerics.BitOperations.PopCount(past & ((1u << (Fan - 1)) - 1)); // never past the last child
        Span<double> cumulative = stackalloc double[Fan];
        lo.CopyTo(cumulative);
        hi.CopyTo(cumulative[4..]);
        return (k, k > 0 ? cumulative[k - 1] : 0);
    }

    internal static (int K, double Before) RunScalar(ReadOnlySpan<double> s, double p)
    {
        double acc = s[0], before = 0;
        int k = 0;
        for (int c = 1; c < Fan; c++)
        {
            bool past = p >= acc;
            k += past ? 1 : 0;
            before = past ? acc : before;
            acc += s[c];
        }
        return (k, before);
    }

    /// <summary>Steps back from zero child <paramref name="k"/> to the nearest non-zero one before it.</summary>
    private static (int K, double Before) LastNonZero(ReadOnlySpan<double> s, int k, double before)
    {
        while (k > 0 && s[k] == 0) before -= s[--k];
        return (k, Math.Max(before, 0));
    }

    private void Recompute(int h, int i)
    {
        var sums = _sum.AsSpan(_offset[h - 1] + (i << FanShift), Fan);
        var mins = _min.AsSpan(_offset[h - 1] + (i << FanShift), Fan);
        double total = 0, min = double.PositiveInfinity;
        for (int c = 0; c < Fan; c++)
        {
            total += sums[c];
            min = Math.Min(min, mins[c]);
        }
        _sum[_offset[h] + i] = total;
        _min[_offset[h] + i] = min;
    }

    private void RecomputeRoot()
    {
        double total = 0, min = double.PositiveInfinity;
        for (int c = _offset[_top]; c < _offset[_top] + Fan; c++)
        {
            total += _sum[c];
            min = Math.Min(min, _min[c]);
        }
        _total = total;
        _minimum = min;
    }

    private static int RoundUp(int n) => ((n + Fan - 1) >> FanShift) << FanShift;

    private static void CheckValue(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, $"SumTree: a leaf must be finite and ≥ 0, got {value}.");
    }

    private int Check(int index) =>
        (uint)index < (uint)Capacity ? index : throw new ArgumentOutOfRangeException(nameof(index), $"SumTree: leaf {index} is outside [0, {Capacity}).");
}
