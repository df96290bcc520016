using System.Globalization;

namespace AsyncRL.Algorithms.Replay;

public sealed partial class ReplayBuffer
{
    // Versions and update stamps are stored as float offsets from the smallest: exact while the buffer spans < 2²⁴ of them.
    private const long MaxExactSpan = 1 << 24;

    /// <summary>
    /// The buffer as named tensors (rows in slot order, priorities, version and update stamps) and strings
    /// (counters, write position), every name prefixed with <paramref name="prefix"/>, for a checkpoint. A
    /// buffer restored from it samples exactly as this one would.
    /// </summary>
    public (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) SaveState(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var c = CultureInfo.InvariantCulture;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long versionBase = 0, updateBase = 0;
        if (Size > 0)
        {
            versionBase = _info.Take(Size).Min(i => i.PolicyVersion);
            updateBase = _info.Take(Size).Min(i => i.InsertedAt);
            var versions = new float[Size];
            var inserted = new float[Size];
            var priorities = new float[Size];
            for (int s = 0; s < Size; s++)
            {
                versions[s] = Offset(_info[s].PolicyVersion, versionBase, "policy version");
                inserted[s] = Offset(_info[s].InsertedAt, updateBase, "insert update");
                priorities[s] = _tree is null ? 0f : (float)_tree[s];
            }
            for (int col = 0; col < _columns.Length; col++)
            {
                int w = _columns[col].Width;
                var values = new float[Size * w];
                for (int s = 0; s < Size; s++) _rows.AsSpan(s * _stride + _offset[col], w).CopyTo(values.AsSpan(s * w, w));
                tensors[prefix + "column." + _columns[col].Name] = new Tensor(values, Size, w);
            }
            tensors[prefix + "policy_version"] = new Tensor(versions, Size);
            tensors[prefix + "inserted_at"] = new Tensor(inserted, Size);
            if (_tree is not null) tensors[prefix + "priority"] = new Tensor(priorities, Size);
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [prefix + "size"] = Size.ToString(c),
            [prefix + "next"] = _next.ToString(c),
            [prefix + "counters"] = string.Join(',', new[] { Inserted, Sampled, Evicted, PriorityUpdates, StalePriorityUpdates, versionBase, updateBase }.Select(v => v.ToString(c))),
            [prefix + "max_priority"] = _maxPriority.ToString("R", c),
            [prefix + "layout"] = Layout(),
        };
        return (tensors, metadata);
    }

    /// <summary>
    /// Replaces the contents with <see cref="SaveState"/>'s output, which must come from a buffer of the same
    /// columns, capacity and sampling kind. Throws (changing nothing) when it does not fit.
    /// </summary>
    public void RestoreState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata, string prefix)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        var c = CultureInfo.InvariantCulture;
        string Get(string key) => metadata.TryGetValue(prefix + key, out var v) ? v : throw new InvalidDataException($"Replay state lacks '{prefix + key}'.");
        if (Get("layout") != Layout()) throw new InvalidDataException($"Replay state is of a buffer laid out as {Get("layout")}, this one is {Layout()}.");
        int size = int.Parse(Get("size"), c), next = int.Parse(Get("next"), c);
        if (size < 0 || size > Capacity || next < 0 || next >= Capacity || (size < Capacity && next != size % Capacity))
            throw new InvalidDataException($"Replay state: size {size} and write position {next} do not fit capacity {Capacity}.");
        var counters = Get("counters").Split(',').Select(v => long.Parse(v, c)).ToArray();
        if (counters.Length != 7) throw new InvalidDataException($"Replay state: '{prefix}counters' has {counters.Length} values, expected 7.");
        double maxPriority = double.Parse(Get("max_priority"), c);
        Tensor Need(string key, int width)
        {
            if (!tensors.TryGetValue(prefix + key, out var t)) throw new InvalidDataException($"Replay state lacks tensor '{prefix + key}'.");
            if (t.Size != size * width) throw new InvalidDataException($"Replay state: '{prefix + key}' has {t.Size} values, expected {size} × {width}.");
            return t;
        }
        var data = size == 0 ? [] : _columns.Select(col => Need("column." + col.Name, col.Width)).ToArray();
        var versions = size == 0 ? null : Need("policy_version", 1);
        var inserted = size == 0 ? null : Need("inserted_at", 1);
        var priorities = size == 0 || _tree is null ? null : Need("priority", 1);

        for (int col = 0; col < data.Length; col++)
        {
            int w = _columns[col].Width;
            for (int s = 0; s < size; s++) data[col].Data.Slice(s * w, w).CopyTo(_rows.AsSpan(s * _stride + _offset[col], w));
        }
        for (int s = 0; s < size; s++)
        {
            // Keys keep key mod capacity = slot: a full buffer's slots before the write position are one lap newer.
            _info[s] = new RowInfo(size == Capacity && s < next ? Capacity + s : s,
                counters[5] + (long)versions!.Data[s], counters[6] + (long)inserted!.Data[s]);
        }
        if (_tree is not null)
            for (int s = 0; s < Capacity; s++) _tree.Set(s, s < size ? priorities!.Data[s] : 0);
        (Size, _next, _nextKey, _maxPriority) = (size, next, size == Capacity ? Capacity + next : size, maxPriority);
        (Inserted, Sampled, Evicted, PriorityUpdates, StalePriorityUpdates) = (counters[0], counters[1], counters[2], counters[3], counters[4]);
    }

    private string Layout() => string.Join(',', _columns.Select(col => $"{col.Name}:{col.Width.ToString(CultureInfo.InvariantCulture)}"))
        + $";capacity={Capacity.ToString(CultureInfo.InvariantCulture)};{(_tree is null ? "uniform" : "prioritized")}";

    private static float Offset(long value, long origin, string what) =>
        value - origin < MaxExactSpan ? value - origin : throw new InvalidOperationException($"Replay state: the buffer's {what}s span more than 2^24; they cannot be saved exactly.");
}
