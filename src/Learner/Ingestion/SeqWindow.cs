namespace AsyncRL.Learner.Ingestion;

/// <summary>
/// The sequence numbers seen from one actor: every seq up to <see cref="Contiguous"/>, plus the sparse
/// ones above it. Actors send in order, so the sparse set holds only what arrived out of order.
/// </summary>
internal sealed class SeqWindow
{
    /// <summary>How many out-of-order seqs one actor may leave above its watermark before the oldest are taken as seen.</summary>
    public const int MaxSparse = 4096;

    private readonly SortedSet<ulong> _above = [];

    public SeqWindow(ulong contiguous = 0, IEnumerable<ulong>? above = null)
    {
        Contiguous = contiguous;
        foreach (var seq in above ?? []) Add(seq);
    }

    /// <summary>Every seq in 1..Contiguous has been seen.</summary>
    public ulong Contiguous { get; private set; }

    /// <summary>Seen seqs above the watermark, ascending.</summary>
    public IReadOnlyCollection<ulong> Above => _above;

    /// <summary>The highest seq seen (0 when none).</summary>
    public ulong Highest => _above.Count > 0 ? _above.Max : Contiguous;

    public bool Contains(ulong seq) => seq <= Contiguous || _above.Contains(seq);

    /// <summary>Records a seq; false when it was already there. <paramref name="overflowed"/> says the gap limit moved the watermark.</summary>
    public bool Add(ulong seq) => Add(seq, out _);

    public bool Add(ulong seq, out bool overflowed)
    {
        overflowed = false;
        if (Contains(seq)) return false;
        _above.Add(seq);
        Absorb();
        // A gap that never fills (a batch lost for good) must not grow the set without bound: past the
        // limit the watermark jumps over it, which only means a very late re-send would be called a duplicate.
        while (_above.Count > MaxSparse)
        {
            overflowed = true;
            Contiguous = _above.Min;
            _above.Remove(Contiguous);
            Absorb();
        }
        return true;
    }

    private void Absorb()
    {
        while (_above.Count > 0 && _above.Min == Contiguous + 1)
        {
            Contiguous++;
            _above.Remove(Contiguous);
        }
    }
}
