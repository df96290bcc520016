namespace AsyncRL.Algorithms.Replay;

/// <summary>
/// One sampled batch, written by <see cref="ReplayBuffer.Sample"/> into buffers allocated once: the rows'
/// columns, keys (for priority updates), importance weights and both staleness measures.
/// </summary>
public sealed class ReplaySample
{
    private readonly float[][] _columns;
    private readonly Dictionary<string, int> _index;

    /// <summary>Buffers for batches of <paramref name="batchSize"/> rows of <paramref name="columns"/>.</summary>
    public ReplaySample(IReadOnlyList<ReplayColumn> columns, int batchSize)
    {
        ReplayColumn.Validate(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        BatchSize = batchSize;
        Layout = [.. columns];
        _columns = [.. columns.Select(c => new float[batchSize * c.Width])];
        _index = columns.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        Keys = new long[batchSize];
        Weights = new float[batchSize];
        Probabilities = new double[batchSize];
        PolicyLag = new long[batchSize];
        Age = new long[batchSize];
    }

    /// <summary>Rows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>The columns, in the buffer's order.</summary>
    public IReadOnlyList<ReplayColumn> Layout { get; }

    /// <summary>Each row's key: pass back to <see cref="ReplayBuffer.UpdatePriorities"/>.</summary>
    public long[] Keys { get; }

    /// <summary>Importance-sampling weights wᵢ (all 1 for uniform sampling).</summary>
    public float[] Weights { get; }

    /// <summary>P(i) of each row (1/N for uniform sampling).</summary>
    public double[] Probabilities { get; }

    /// <summary>Acting-policy lag: learner version − the version that acted, per row.</summary>
    public long[] PolicyLag { get; }

    /// <summary>Sample age: learner updates since the row was inserted, per row.</summary>
    public long[] Age { get; }

    /// <summary>Column <paramref name="index"/>, [BatchSize, width] row-major.</summary>
    public Span<float> Column(int index) => _columns[index];

    /// <summary>The named column, [BatchSize, width] row-major.</summary>
    public Span<float> Column(string name) =>
        _index.TryGetValue(name, out int i) ? _columns[i] : throw new KeyNotFoundException($"Replay sample has no column '{name}'.");

    internal float[] ColumnArray(int index) => _columns[index];
}
