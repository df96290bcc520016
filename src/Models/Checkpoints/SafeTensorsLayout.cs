namespace AsyncRL.Models.Checkpoints;

/// <summary>
/// Checks parsed header entries against the data area before a single tensor byte is read or
/// allocated: every size is computed with overflow checks, and the tensors must tile the data area
/// exactly (sorted by offset: no gap, no overlap, nothing left over), as the reference reader requires.
/// </summary>
internal static class SafeTensorsLayout
{
    /// <summary>Returns the entries in data order, or throws naming the first bad tensor.</summary>
    public static SafeTensorsEntry[] Validate(IReadOnlyList<SafeTensorsEntry> entries, long dataLength)
    {
        foreach (var entry in entries) CheckEntry(entry, dataLength);

        var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToArray();
        ulong expected = 0;
        SafeTensorsEntry? previous = null;
        foreach (var entry in ordered)
        {
            if (entry.Begin < expected)
                throw new CheckpointFormatException(entry.Name,
                    $"data_offsets {Offsets(entry)} overlap tensor '{previous!.Name}' {Offsets(previous)}.");
            if (entry.Begin > expected)
                throw new CheckpointFormatException(entry.Name,
                    $"data_offsets {Offsets(entry)} leave a gap of {entry.Begin - expected} bytes "
                    + (previous is null ? "at the start of the data." : $"after tensor '{previous.Name}' {Offsets(previous)}."));
            expected = entry.End;
            previous = entry;
        }
        if (expected != (ulong)dataLength)
            throw new CheckpointFormatException(
                $"safetensors data area is {dataLength} bytes but the tensors cover {expected}; the file has {(ulong)dataLength - expected} stray trailing bytes.");
        return ordered;
    }

    /// <summary>Element count of a shape, or null when it overflows 64 bits.</summary>
    public static ulong? ElementCount(ReadOnlySpan<int> shape)
    {
        ulong count = 1;
        foreach (var d in shape)
        {
            if (d != 0 && count > ulong.MaxValue / (ulong)d) return null;
            count *= (ulong)d;
        }
        return count;
    }

    private static void CheckEntry(SafeTensorsEntry entry, long dataLength)
    {
        var shape = Tensor.ShapeString(entry.Shape);
        if (entry.End < entry.Begin)
            throw new CheckpointFormatException(entry.Name, $"data_offsets {Offsets(entry)} end before they begin.");
        if (entry.End > (ulong)dataLength)
            throw new CheckpointFormatException(entry.Name,
                $"data_offsets {Offsets(entry)} run past the end of the {dataLength}-byte data area (is the file truncated?).");

        ulong? count = ElementCount(entry.Shape);
        ulong size = (ulong)entry.DType.ElementSize();
        if (count is null || count.Value > ulong.MaxValue / size)
            throw new CheckpointFormatException(entry.Name, $"shape {shape} has more elements than 64 bits can count.");
        ulong bytes = count.Value * size;
        if (bytes != entry.End - entry.Begin)
            throw new CheckpointFormatException(entry.Name,
                $"shape {shape} of dtype {entry.DType.Name()} needs {bytes} bytes but data_offsets {Offsets(entry)} span {entry.End - entry.Begin}.");

        // The file is consistent; what follows are limits of our engine, not of the format.
        if (count.Value > (ulong)Array.MaxLength)
            throw new CheckpointFormatException(entry.Name, $"shape {shape} has {count} elements, more than one array can hold.");
        if (entry.DType.IsFloatingPoint() && entry.Shape.Length > Tensor.MaxRank)
            throw new CheckpointFormatException(entry.Name, $"rank {entry.Shape.Length} (shape {shape}) exceeds the engine's maximum of {Tensor.MaxRank}.");
    }

    private static string Offsets(SafeTensorsEntry entry) => $"[{entry.Begin}, {entry.End}]";
}
