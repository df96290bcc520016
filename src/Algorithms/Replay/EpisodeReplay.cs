namespace AsyncRL.Algorithms.Replay;

/// <summary>
/// Whole episodes for goal relabelling (HER): steps are stored in a ring of fixed-width float columns,
/// episodes are evicted oldest first (FIFO) as whole episodes, and sampling picks an episode uniformly
/// (as the HER reference implementation does) so a relabelling strategy can read any of its steps.
/// </summary>
public sealed class EpisodeReplay
{
    private readonly ReplayColumn[] _columns;
    private readonly float[][] _data;
    private readonly Episode[] _episodes; // a ring: _first is the oldest, Count of them
    private int _first;
    private int _next;

    /// <summary>An empty store of up to <paramref name="capacityRows"/> steps.</summary>
    public EpisodeReplay(int capacityRows, IReadOnlyList<ReplayColumn> columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityRows, 1);
        ReplayColumn.Validate(columns);
        Capacity = capacityRows;
        _columns = [.. columns];
        _data = [.. _columns.Select(c => new float[checked(capacityRows * c.Width)])];
        _episodes = new Episode[capacityRows];
    }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<ReplayColumn> Columns => _columns;

    /// <summary>Steps it can hold.</summary>
    public int Capacity { get; }

    /// <summary>Episodes held.</summary>
    public int Count { get; private set; }

    /// <summary>Steps held.</summary>
    public int Size { get; private set; }

    /// <summary>Steps ever inserted.</summary>
    public long Inserted { get; private set; }

    /// <summary>Episodes evicted to make room.</summary>
    public long EvictedEpisodes { get; private set; }

    /// <summary>Steps sampled (counted by the caller through <see cref="CountSampled"/>).</summary>
    public long Sampled { get; private set; }

    /// <summary>The learner's update count: episodes are stamped with it on insert (sample age is measured against it).</summary>
    public long CurrentUpdate { get; set; }

    /// <summary>The index of the named column.</summary>
    public int ColumnIndex(string name)
    {
        for (int i = 0; i < _columns.Length; i++) if (_columns[i].Name == name) return i;
        throw new KeyNotFoundException($"Episode replay has no column '{name}'.");
    }

    /// <summary>
    /// Adds one episode of <paramref name="length"/> steps (columns follow <see cref="Columns"/>, each
    /// [length, width]) acted by <paramref name="policyVersion"/>, evicting the oldest episodes as needed.
    /// </summary>
    public void Add(int length, IReadOnlyList<ReadOnlyMemory<float>> columns, long policyVersion)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (length < 1 || length > Capacity) throw new ArgumentOutOfRangeException(nameof(length), $"Episode replay: an episode of {length} steps does not fit [1, {Capacity}].");
        if (columns.Count != _columns.Length) throw new ArgumentException($"Episode replay: {columns.Count} columns given, the store has {_columns.Length}.", nameof(columns));
        for (int c = 0; c < _columns.Length; c++)
            if (columns[c].Length != length * _columns[c].Width)
                throw new ArgumentException($"Episode replay: column '{_columns[c].Name}' has {columns[c].Length} values, expected {length} × {_columns[c].Width}.", nameof(columns));
        while (Capacity - Size < length)
        {
            Size -= _episodes[_first].Length;
            _first = (_first + 1) % _episodes.Length;
            Count--;
            EvictedEpisodes++;
        }
        int start = _next;
        for (int c = 0; c < _columns.Length; c++)
        {
            int w = _columns[c].Width;
            var src = columns[c].Span;
            int head = Math.Min(length, Capacity - start); // the ring may wrap inside an episode
            src[..(head * w)].CopyTo(_data[c].AsSpan(start * w));
            src[(head * w)..].CopyTo(_data[c]);
        }
        _episodes[(_first + Count) % _episodes.Length] = new Episode(start, length, policyVersion, CurrentUpdate);
        Count++;
        Size += length;
        Inserted += length;
        _next = (start + length) % Capacity;
    }

    /// <summary>A uniformly chosen episode (the store must not be empty).</summary>
    public Episode SampleEpisode(Generator rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (Count == 0) throw new InvalidOperationException("Episode replay: the store is empty.");
        return _episodes[(_first + rng.NextInt(Count)) % _episodes.Length];
    }

    /// <summary>The <paramref name="i"/>-th oldest episode.</summary>
    public Episode EpisodeAt(int i) =>
        (uint)i < (uint)Count ? _episodes[(_first + i) % _episodes.Length] : throw new ArgumentOutOfRangeException(nameof(i), $"Episode replay: episode {i} of {Count}.");

    /// <summary>Step <paramref name="t"/> of <paramref name="episode"/> in column <paramref name="column"/>.</summary>
    public ReadOnlySpan<float> Step(int column, Episode episode, int t)
    {
        if ((uint)t >= (uint)episode.Length) throw new ArgumentOutOfRangeException(nameof(t), $"Episode replay: step {t} of an episode of {episode.Length}.");
        int w = _columns[column].Width;
        return _data[column].AsSpan(((episode.Start + t) % Capacity) * w, w);
    }

    /// <summary>Adds to <see cref="Sampled"/> (the relabelling sampler draws steps itself).</summary>
    public void CountSampled(int steps) => Sampled += steps;

    /// <summary>One stored episode.</summary>
    /// <param name="Start">Its first step's slot in the ring.</param>
    /// <param name="Length">Its steps.</param>
    /// <param name="PolicyVersion">The version that acted.</param>
    /// <param name="InsertedAt">The learner update it arrived at.</param>
    public readonly record struct Episode(int Start, int Length, long PolicyVersion, long InsertedAt);
}
