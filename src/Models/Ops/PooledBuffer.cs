using System.Buffers;

namespace AsyncRL.Models;

/// <summary>A rented scratch buffer for kernels; dispose to return it.</summary>
internal readonly struct PooledBuffer : IDisposable
{
    private readonly float[] _array;
    private readonly int _length;

    public PooledBuffer(int length, bool clear = false)
    {
        _array = ArrayPool<float>.Shared.Rent(Math.Max(length, 1));
        _length = length;
        if (clear) Array.Clear(_array, 0, length);
    }

    public Span<float> Span => _array.AsSpan(0, _length);

    public void Dispose() => ArrayPool<float>.Shared.Return(_array);
}
