namespace AsyncRL.Algorithms.Replay;

/// <summary>
/// A replay table of fixed-width float columns with FIFO eviction, sampled uniformly or in proportion to
/// priority (a <see cref="SumTree"/>, importance weights with annealed β). Every row remembers the policy
/// version that acted and the learner update it arrived at, so each sample reports both staleness
/// measures. Single-threaded: the learner's update loop owns it.
/// </summary>
public sealed partial class ReplayBuffer
{
    private readonly ReplayOptions _options;
    private readonly ReplayColumn[] _columns;
    // Rows are stored whole (all columns side by side), with their bookkeeping in one struct: a random
    // sample then costs about two cache misses per row instead of one per column.
    private readonly float[] _rows;
    private readonly int _stride;
    private readonly int[] _offset;
    private readonly RowInfo[] _info;
    private readonly SumTree? _tree;
    private readonly double[] _leafScratch;
    private double[] _prefixes = [], _descent = [];
    private int[] _found = [];
    private double _touched;
    private int _next;
    private long _nextKey;
    private double _maxPriority = 1.0;

    /// <summary>An empty buffer of <paramref name="columns"/>.</summary>
    public ReplayBuffer(ReplayOptions options, IReadOnlyList<ReplayColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ReplayColumn.Validate(columns);
        _options = options;
        _columns = [.. columns];
        int capacity = options.Capacity;
        _offset = new int[_columns.Length];
        for (int c = 1; c < _columns.Length; c++) _offset[c] = _offset[c - 1] + _columns[c - 1].Width;
        _stride = _offset[^1] + _columns[^1].Width;
        long floats = (long)capacity * _stride;
        _rows = floats <= Array.MaxLength ? new float[floats] : throw new ArgumentException($"Replay: {capacity} rows of {_stride} floats are too large for one buffer.");
        _info = new RowInfo[capacity];
        if (options.Prioritized) _tree = new SumTree(capacity);
        _leafScratch = options.Prioritized ? new double[Math.Min(capacity, 4096)] : [];
    }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<ReplayColumn> Columns => _columns;

    /// <summary>The options it was built with.</summary>
    public ReplayOptions Options => _options;

    /// <summary>Rows it can hold.</summary>
    public int Capacity => _options.Capacity;

    /// <summary>Rows it holds.</summary>
    public int Size { get; private set; }

    /// <summary>Rows ever inserted.</summary>
    public long Inserted { get; private set; }

    /// <summary>Rows ever sampled (batch size × batches).</summary>
    public long Sampled { get; private set; }

    /// <summary>Rows evicted to make room.</summary>
    public long Evicted { get; private set; }

    /// <summary>Priority updates applied.</summary>
    public long PriorityUpdates { get; private set; }

    /// <summary>Priority updates ignored because their row had been evicted in the meantime.</summary>
    public long StalePriorityUpdates { get; private set; }

    /// <summary>
    /// The learner's update count: inserts are stamped with it and sample age is measured against it; it
    /// also drives β's annealing. The owner advances it after every update.
    /// </summary>
    public long CurrentUpdate { get; set; }

    /// <summary>β now.</summary>
    public float Beta => PrioritizedReplayMath.Beta(_options.Beta0, CurrentUpdate, _options.BetaAnnealUpdates);

    /// <summary>The largest priority pᵢ = |δᵢ| + ε seen; new rows without one get it, so each is replayed at least once soon.</summary>
    public double MaxPriority => _maxPriority;

    /// <summary>The index of the named column.</summary>
    public int ColumnIndex(string name)
    {
        for (int i = 0; i < _columns.Length; i++) if (_columns[i].Name == name) return i;
        throw new KeyNotFoundException($"Replay has no column '{name}' (columns: {string.Join(", ", _columns.Select(c => c.Name))}).");
    }

    /// <summary>Inserts rows all acted by one policy version; see <see cref="Insert(int, IReadOnlyList{ReadOnlyMemory{float}}, ReadOnlySpan{long}, ReadOnlySpan{float})"/>.</summary>
    public void Insert(int rows, IReadOnlyList<ReadOnlyMemory<float>> columns, long policyVersion, ReadOnlySpan<float> priorities = default) =>
        Insert(rows, columns, [policyVersion], priorities);

    /// <summary>
    /// Inserts <paramref name="rows"/> rows, evicting the oldest when full. <paramref name="columns"/> follow
    /// <see cref="Columns"/>, each [rows, width]; <paramref name="policyVersions"/> has one entry per row or
    /// one for all; <paramref name="priorities"/> (|δ|, before ε and α) one per row, or none for the max so far.
    /// Checks everything before changing anything.
    /// </summary>
    public void Insert(int rows, IReadOnlyList<ReadOnlyMemory<float>> columns, ReadOnlySpan<long> policyVersions, ReadOnlySpan<float> priorities = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"Replay insert: rows must be positive, got {rows}.");
        if (columns.Count != _columns.Length) throw new ArgumentException($"Replay insert: {columns.Count} columns given, the table has {_columns.Length}.", nameof(columns));
        for (int c = 0; c < _columns.Length; c++)
            if (columns[c].Length != rows * _columns[c].Width)
                throw new ArgumentException($"Replay insert: column '{_columns[c].Name}' has {columns[c].Length} values, expected {rows} × {_columns[c].Width}.", nameof(columns));
        if (policyVersions.Length != 1 && policyVersions.Length != rows)
            throw new ArgumentException($"Replay insert: {policyVersions.Length} policy versions for {rows} rows (give one, or one per row).", nameof(policyVersions));
        if (!priorities.IsEmpty && priorities.Length != rows)
            throw new ArgumentException($"Replay insert: {priorities.Length} priorities for {rows} rows.", nameof(priorities));
        foreach (var p in priorities)
            if (!float.IsFinite(p)) throw new ArgumentException($"Replay insert: priority {p} is not finite.", nameof(priorities));

        // Only the newest `Capacity` rows of an oversized insert would survive it.
        int skip = Math.Max(0, rows - Capacity);
        for (int done = skip; done < rows;)
        {
            int n = Math.Min(rows - done, Capacity - _next);
            WriteSegment(columns, done, n, policyVersions, priorities);
            done += n;
        }
        Inserted += rows;
        Evicted += skip;
    }

    private void WriteSegment(IReadOnlyList<ReadOnlyMemory<float>> columns, int from, int n, ReadOnlySpan<long> versions, ReadOnlySpan<float> priorities)
    {
        int at = _next;
        for (int c = 0; c < _columns.Length; c++)
        {
            int w = _columns[c].Width, off = _offset[c];
            var src = columns[c].Span.Slice(from * w, n * w);
            var dst = _rows.AsSpan(at * _stride, n * _stride);
            if (w == 1)
                for (int i = 0; i < n; i++) dst[i * _stride + off] = src[i];
            else
                for (int i = 0; i < n; i++) src.Slice(i * w, w).CopyTo(dst.Slice(i * _stride + off, w));
        }
        for (int i = 0; i < n; i++)
            _info[at + i] = new RowInfo(_nextKey++, versions.Length == 1 ? versions[0] : versions[from + i], CurrentUpdate);
        if (_tree is not null)
        {
            for (int done = 0; done < n;)
            {
                int m = Math.Min(n - done, _leafScratch.Length);
                for (int i = 0; i < m; i++)
                {
                    double p = priorities.IsEmpty ? _maxPriority : Math.Abs((double)priorities[from + done + i]) + _options.PriorityEpsilon;
                    if (p > _maxPriority) _maxPriority = p;
                    _leafScratch[i] = Leaf(p);
                }
                _tree.SetRange(at + done, _leafScratch.AsSpan(0, m));
                done += m;
            }
        }
        int grown = Math.Min(n, Capacity - Size);
        Evicted += n - grown;
        Size += grown;
        _next = (at + n) % Capacity;
    }

    /// <summary>
    /// Samples <c>into.BatchSize</c> rows (with replacement): uniformly, or stratified in proportion to
    /// priority with importance weights. Writes the columns, keys, P(i), wᵢ, the acting-policy lag against
    /// <paramref name="learnerVersion"/> and the age in updates against <see cref="CurrentUpdate"/>.
    /// </summary>
    public void Sample(ReplaySample into, Generator rng, long learnerVersion)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(rng);
        if (Size == 0) throw new InvalidOperationException("Replay sample: the buffer is empty.");
        if (into.Layout.Count != _columns.Length || !into.Layout.SequenceEqual(_columns))
            throw new ArgumentException("Replay sample: the sample's columns are not this buffer's.", nameof(into));
        int b = into.BatchSize;
        if (_prefixes.Length < b) (_prefixes, _found, _descent) = (new double[b], new int[b], new double[b]);
        if (_tree is null)
        {
            double p = 1.0 / Size;
            for (int k = 0; k < b; k++) _found[k] = rng.NextInt(Size);
            Touch(_found.AsSpan(0, b));
            for (int k = 0; k < b; k++)
            {
                Gather(into, k, _found[k], learnerVersion);
                into.Probabilities[k] = p;
                into.Weights[k] = 1f;
            }
        }
        else
        {
            double total = _tree.Total, segment = total / b, pMin = _tree.Min / total;
            float beta = Beta;
            // Stratified: one draw from each of b equal slices of the priority mass, all descended together.
            for (int k = 0; k < b; k++) _prefixes[k] = Math.Min((k + rng.NextDouble()) * segment, Math.BitDecrement(total));
            _tree.FindMany(_prefixes.AsSpan(0, b), _found, _descent);
            Touch(_found.AsSpan(0, b));
            for (int k = 0; k < b; k++)
            {
                int slot = _found[k];
                if (slot >= Size) slot = Size - 1; // only reachable through rounding at the very edge
                double p = _tree[slot] / total;
                Gather(into, k, slot, learnerVersion);
                into.Probabilities[k] = p;
                into.Weights[k] = (float)(p / pMin);
            }
            PrioritizedReplayMath.ImportanceWeights(into.Weights.AsSpan(0, b), beta);
        }
        Sampled += b;
    }

    /// <summary>
    /// Reads one word of every sampled row before any is copied. The reads are independent, so their cache misses
    /// overlap; gathering row by row would wait for each miss in turn (a sampled row is almost never cached in a
    /// large buffer).
    /// </summary>
    private void Touch(ReadOnlySpan<int> slots)
    {
        float sum = 0;
        long keys = 0;
        foreach (int slot in slots)
        {
            if (slot >= Size) continue;
            sum += _rows[slot * _stride];
            keys += _info[slot].Key;
        }
        _touched = sum + keys; // kept, so the reads are not optimised away
    }

    private void Gather(ReplaySample into, int k, int slot, long learnerVersion)
    {
        var row = _rows.AsSpan(slot * _stride, _stride);
        for (int c = 0; c < _columns.Length; c++)
        {
            int w = _columns[c].Width;
            if (w == 1) into.ColumnArray(c)[k] = row[_offset[c]];
            else row.Slice(_offset[c], w).CopyTo(into.ColumnArray(c).AsSpan(k * w, w));
        }
        ref readonly var info = ref _info[slot];
        into.Keys[k] = info.Key;
        into.PolicyLag[k] = learnerVersion - info.PolicyVersion;
        into.Age[k] = CurrentUpdate - info.InsertedAt;
    }

    /// <summary>
    /// Sets pᵢ = |δᵢ| + ε for sampled rows by key. Rows evicted since they were sampled are skipped and
    /// counted in <see cref="StalePriorityUpdates"/>. A no-op for uniform buffers.
    /// </summary>
    public void UpdatePriorities(ReadOnlySpan<long> keys, ReadOnlySpan<float> tdErrors)
    {
        if (keys.Length != tdErrors.Length) throw new ArgumentException($"Replay: {keys.Length} keys and {tdErrors.Length} TD errors.", nameof(tdErrors));
        if (_tree is null) return;
        for (int i = 0; i < keys.Length; i++)
        {
            if (!float.IsFinite(tdErrors[i])) throw new ArgumentException($"Replay: TD error {tdErrors[i]} is not finite.", nameof(tdErrors));
            long key = keys[i];
            int slot = (int)(key % Capacity);
            if (key < 0 || _info[slot].Key != key || slot >= Size)
            {
                StalePriorityUpdates++;
                continue;
            }
            double p = Math.Abs((double)tdErrors[i]) + _options.PriorityEpsilon;
            if (p > _maxPriority) _maxPriority = p;
            _tree.Set(slot, Leaf(p));
            PriorityUpdates++;
        }
    }

    // pᵢ^α rounded to float, as checkpoints store it: a restored tree then sums exactly as this one.
    private double Leaf(double priority) => (float)Math.Pow(priority, _options.Alpha);

    /// <summary>Counters and priority statistics now.</summary>
    public ReplayStats Stats() => new(Size, Capacity, Inserted, Sampled, Evicted, PriorityUpdates, StalePriorityUpdates,
        _tree is null || Size == 0 ? double.NaN : _tree.Total / Size,
        _tree is null || Size == 0 ? double.NaN : _tree.Min,
        _tree is null ? double.NaN : Math.Pow(_maxPriority, _options.Alpha),
        _tree is null ? double.NaN : Beta);
}

/// <summary>A row's key (insert serial; key mod capacity is its slot), acting version and insert update.</summary>
internal readonly record struct RowInfo(long Key, long PolicyVersion, long InsertedAt);

/// <summary>A replay store's counters and priority statistics.</summary>
/// <param name="PriorityMean">Mean stored priority pᵢ^α (NaN for uniform buffers).</param>
/// <param name="PriorityMin">Smallest stored pᵢ^α.</param>
/// <param name="PriorityMax">Largest pᵢ^α seen (what new rows get).</param>
/// <param name="Beta">β now.</param>
public sealed record ReplayStats(
    int Size, int Capacity, long Inserted, long Sampled, long Evicted, long PriorityUpdates, long StalePriorityUpdates,
    double PriorityMean, double PriorityMin, double PriorityMax, double Beta);
