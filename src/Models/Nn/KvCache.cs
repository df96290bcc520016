namespace AsyncRL.Models.Nn;

/// <summary>Keys and values of one attention layer for positions already decoded, laid out [B, capacity, D].</summary>
public sealed class LayerKvCache
{
    /// <summary>Allocates the cache.</summary>
    public LayerKvCache(int batch, int capacity, int dim)
    {
        Batch = batch;
        Capacity = capacity;
        Dim = dim;
        Keys = new float[batch * capacity * dim];
        Values = new float[batch * capacity * dim];
    }

    /// <summary>Sequences decoded together.</summary>
    public int Batch { get; }

    /// <summary>Maximum positions.</summary>
    public int Capacity { get; }

    /// <summary>Model dimension.</summary>
    public int Dim { get; }

    /// <summary>Positions filled.</summary>
    public int Length { get; private set; }

    internal float[] Keys { get; }

    internal float[] Values { get; }

    /// <summary>Forgets every position (the buffers are reused).</summary>
    public void Reset() => Length = 0;

    /// <summary>Copies K and V of <paramref name="count"/> new positions from a packed [B, count, 3D] projection; returns the first new position.</summary>
    internal int Append(ReadOnlySpan<float> qkv, int count)
    {
        if (Length + count > Capacity)
            throw new InvalidOperationException($"KV cache full: {Length} + {count} positions exceed the capacity of {Capacity}.");
        int start = Length;
        for (int b = 0; b < Batch; b++)
            for (int t = 0; t < count; t++)
            {
                var src = qkv.Slice((b * count + t) * 3 * Dim, 3 * Dim);
                int dst = (b * Capacity + start + t) * Dim;
                src.Slice(Dim, Dim).CopyTo(Keys.AsSpan(dst, Dim));
                src.Slice(2 * Dim, Dim).CopyTo(Values.AsSpan(dst, Dim));
            }
        Length += count;
        return start;
    }
}

/// <summary>One <see cref="LayerKvCache"/> per transformer block.</summary>
public sealed class KvCache
{
    /// <summary>Allocates caches for every layer.</summary>
    public KvCache(int layers, int batch, int capacity, int dim) =>
        Layers = [.. Enumerable.Range(0, layers).Select(_ => new LayerKvCache(batch, capacity, dim))];

    /// <summary>Per-layer caches.</summary>
    public IReadOnlyList<LayerKvCache> Layers { get; }

    /// <summary>Positions decoded so far.</summary>
    public int Length => Layers[0].Length;

    /// <summary>Forgets every position.</summary>
    public void Reset()
    {
        foreach (var l in Layers) l.Reset();
    }
}
