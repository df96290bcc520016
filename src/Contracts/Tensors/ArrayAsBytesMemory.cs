using System.Buffers;
using System.Runtime.InteropServices;

namespace AsyncRL.Contracts;

/// <summary>Presents a T[] as <see cref="Memory{T}"/> of bytes without copying (for lending arrays to protobuf).</summary>
internal sealed class ArrayAsBytesMemory<T> : MemoryManager<byte>
    where T : unmanaged
{
    private readonly T[] _array;

    public ArrayAsBytesMemory(T[] array) => _array = array;

    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(_array.AsSpan());

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        byte* start = (byte*)handle.AddrOfPinnedObject();
        return new MemoryHandle(start + elementIndex, handle);
    }

    public override void Unpin()
    {
        // The handle returned by Pin is freed when its MemoryHandle is disposed.
    }

    protected override void Dispose(bool disposing)
    {
        // Nothing owned: the array belongs to the caller.
    }
}
