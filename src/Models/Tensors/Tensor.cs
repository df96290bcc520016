using System.Buffers;
using System.Globalization;
using System.Text;

namespace AsyncRL.Models;

/// <summary>
/// A float32 tensor: contiguous, row-major, up to <see cref="MaxRank"/> dimensions.
/// Reshapes are views over the same storage. Inside a <see cref="DisposeScope"/> the storage is
/// rented from a pool and returned when the scope ends, so training steps allocate little.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>The largest rank a tensor may have.</summary>
    public const int MaxRank = 4;

    private float[]? _data;
    private readonly int _offset;
    private readonly int[] _shape;
    private readonly Tensor? _base; // the owner of the storage when this is a view
    private readonly bool _pooled;

    /// <summary>Creates a zero-filled tensor of the given shape.</summary>
    public Tensor(params ReadOnlySpan<int> shape) : this(shape, zero: true) { }

    internal Tensor(ReadOnlySpan<int> shape, bool zero)
    {
        _shape = CheckShape(shape);
        Size = ElementCount(_shape);
        var scope = DisposeScope.Current;
        if (scope is not null && Size > 0)
        {
            _data = ArrayPool<float>.Shared.Rent(Size);
            _pooled = true;
            if (zero) Array.Clear(_data, 0, Size);
            scope.Register(this);
        }
        else
        {
            _data = zero ? new float[Size] : GC.AllocateUninitializedArray<float>(Size);
        }
    }

    /// <summary>Wraps an existing array (no copy). The array must hold exactly the shape's element count.</summary>
    public Tensor(float[] data, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        _shape = CheckShape(shape);
        Size = ElementCount(_shape);
        if (data.Length != Size)
            throw new ArgumentException($"Tensor: {data.Length} values do not fill shape {ShapeString(_shape)} ({Size} elements).", nameof(data));
        _data = data;
    }

    private Tensor(Tensor source, int[] shape, int offset, int size)
    {
        _base = source._base ?? source;
        _data = source._data;
        _offset = source._offset + offset;
        _shape = shape;
        Size = size;
        DisposeScope.Current?.Register(this);
    }

    /// <summary>Number of elements.</summary>
    public int Size { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    public int Dim(int dim) => _shape[NormalizeDim(dim, Rank, "Dim")];

    /// <summary>The elements, row-major.</summary>
    public Span<float> Data => Storage.AsSpan(_offset, Size);

    /// <summary>The first element of a scalar or one-element tensor.</summary>
    public float Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Item: tensor of shape {ShapeString(_shape)} has {Size} elements, not 1.");
        return Data[0];
    }

    /// <summary>Element at a multi-dimensional index.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params ReadOnlySpan<int> index]
    {
        get => Data[FlatIndex(index)];
        set => Data[FlatIndex(index)] = value;
    }

    /// <summary>Copies the elements into a new array.</summary>
    public float[] ToArray() => Data.ToArray();

    /// <summary>True once the storage went back to its pool.</summary>
    public bool IsDisposed => _data is null || (_base is not null && _base.IsDisposed);

    internal float[] Storage => (_base is not null && _base._data is null) || _data is null
        ? throw new ObjectDisposedException(nameof(Tensor), "The tensor's storage was returned to the pool when its DisposeScope ended; call MoveToOuterDisposeScope() to keep it.")
        : _data;

    internal int Offset => _offset;

    internal bool IsView => _base is not null;

    internal Tensor? ViewBase => _base;

    /// <summary>Returns the storage to the pool (only for pooled tensors owned by a scope).</summary>
    internal void ReleaseStorage()
    {
        if (_base is not null) { _data = null; return; }
        var data = _data;
        _data = null;
        if (_pooled && data is not null) ArrayPool<float>.Shared.Return(data);
    }

    /// <summary>A view with a new shape over the same elements; one dimension may be -1.</summary>
    internal Tensor ViewAs(ReadOnlySpan<int> shape)
    {
        var resolved = ResolveReshape(shape);
        return new Tensor(this, resolved, 0, Size);
    }

    /// <summary>A view of rows [start, start+count) along dimension 0, sharing storage.</summary>
    internal Tensor ViewRows(int start, int count)
    {
        var shape = (int[])_shape.Clone();
        shape[0] = count;
        int rowSize = Rank == 0 ? 1 : Size / Math.Max(1, _shape[0]);
        return new Tensor(this, shape, start * rowSize, count * rowSize);
    }

    private int[] ResolveReshape(ReadOnlySpan<int> shape)
    {
        var result = shape.ToArray();
        int inferred = -1, known = 1;
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] == -1)
            {
                if (inferred >= 0) throw new ArgumentException($"Reshape: only one dimension may be -1, got {ShapeString(result)}.");
                inferred = i;
            }
            else if (result[i] < 0) throw new ArgumentException($"Reshape: negative dimension in {ShapeString(result)}.");
            else known *= result[i];
        }
        if (inferred >= 0)
        {
            if (known == 0 || Size % known != 0)
                throw new ArgumentException($"Reshape: cannot view shape {ShapeString(_shape)} as {ShapeString(result)}.");
            result[inferred] = Size / known;
        }
        CheckShape(result);
        if (ElementCount(result) != Size)
            throw new ArgumentException($"Reshape: cannot view shape {ShapeString(_shape)} ({Size} elements) as {ShapeString(result)}.");
        return result;
    }

    private int FlatIndex(ReadOnlySpan<int> index)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"Index of rank {index.Length} for tensor of shape {ShapeString(_shape)}.");
        int flat = 0;
        for (int d = 0; d < index.Length; d++)
        {
            int i = index[d] < 0 ? index[d] + _shape[d] : index[d];
            if ((uint)i >= (uint)_shape[d])
                throw new IndexOutOfRangeException($"Index {index[d]} out of range for dimension {d} of shape {ShapeString(_shape)}.");
            flat = flat * _shape[d] + i;
        }
        return flat;
    }

    internal static int[] CheckShape(ReadOnlySpan<int> shape)
    {
        if (shape.Length > MaxRank)
            throw new ArgumentException($"Tensor: rank {shape.Length} exceeds the maximum of {MaxRank} (shape {ShapeString(shape)}).");
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"Tensor: negative dimension in shape {ShapeString(shape)}.");
        return shape.ToArray();
    }

    internal static int ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        if (n > Array.MaxLength) throw new ArgumentException($"Tensor: shape {ShapeString(shape)} has too many elements.");
        return (int)n;
    }

    internal static int NormalizeDim(int dim, int rank, string op)
    {
        int d = dim < 0 ? dim + rank : dim;
        if ((uint)d >= (uint)Math.Max(rank, 1) && !(rank == 0 && d == 0))
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} out of range for rank {rank}.");
        return d;
    }

    /// <summary>Formats a shape as <c>[2, 3]</c>, as error messages show it.</summary>
    public static string ShapeString(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        if (IsDisposed) return $"Tensor{ShapeString(_shape)} (disposed)";
        var sb = new StringBuilder($"Tensor{ShapeString(_shape)} [");
        var span = Data;
        for (int i = 0; i < Math.Min(span.Length, 8); i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(span[i].ToString("G6", CultureInfo.InvariantCulture));
        }
        if (span.Length > 8) sb.Append(", …");
        return sb.Append(']').ToString();
    }
}
