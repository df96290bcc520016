using System.Collections;

namespace AsyncRL.Contracts.Transport;

/// <summary>
/// Custom headers or trailers of a call, in order. Keys are lower-case ASCII; keys ending in
/// <c>-bin</c> carry bytes (base64 on the wire), all others printable ASCII text.
/// </summary>
public sealed class Metadata : IReadOnlyList<MetadataEntry>
{
    private readonly List<MetadataEntry> _entries;
    private readonly bool _readOnly;

    /// <summary>Creates an empty, writable collection.</summary>
    public Metadata() => _entries = [];

    private Metadata(bool readOnly)
    {
        _entries = [];
        _readOnly = readOnly;
    }

    /// <summary>A shared empty collection that cannot be changed.</summary>
    public static Metadata Empty { get; } = new(readOnly: true);

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public MetadataEntry this[int index] => _entries[index];

    /// <summary>Adds a text entry.</summary>
    public void Add(string key, string value) => Add(new MetadataEntry(key, value));

    /// <summary>Adds a binary entry; the key must end with <c>-bin</c>.</summary>
    public void Add(string key, byte[] value) => Add(new MetadataEntry(key, value));

    /// <summary>Adds an entry.</summary>
    public void Add(MetadataEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_readOnly) throw new InvalidOperationException("This metadata collection is read-only.");
        _entries.Add(entry);
    }

    /// <summary>The last entry with <paramref name="key"/>, or null.</summary>
    public MetadataEntry? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase)) return _entries[i];
        }
        return null;
    }

    /// <summary>The text value of the last entry with <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The bytes of the last binary entry with <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <summary>All entries with <paramref name="key"/>, in order.</summary>
    public IEnumerable<MetadataEntry> GetAll(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _entries.Where(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));
    }

    /// <inheritdoc />
    public IEnumerator<MetadataEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One metadata key and its text or binary value.</summary>
public sealed class MetadataEntry
{
    private readonly string? _text;
    private readonly byte[]? _bytes;

    /// <summary>A text entry: printable ASCII value, key not ending in <c>-bin</c>.</summary>
    public MetadataEntry(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Key = NormalizeKey(key);
        if (IsBinaryKey(Key)) throw new ArgumentException($"Key '{Key}' ends with '-bin' and needs a binary value.", nameof(key));
        foreach (char c in value)
        {
            if (c is < ' ' or > '~') throw new ArgumentException($"Metadata value for '{Key}' must be printable ASCII.", nameof(value));
        }
        _text = value;
    }

    /// <summary>A binary entry: key ending in <c>-bin</c>.</summary>
    public MetadataEntry(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Key = NormalizeKey(key);
        if (!IsBinaryKey(Key)) throw new ArgumentException($"Binary metadata key '{Key}' must end with '-bin'.", nameof(key));
        _bytes = value;
    }

    /// <summary>The lower-case key.</summary>
    public string Key { get; }

    /// <summary>Whether the value is bytes (the key ends with <c>-bin</c>).</summary>
    public bool IsBinary => _bytes is not null;

    /// <summary>The text value (for a binary entry: its base64 form, as sent on the wire).</summary>
    public string Value => _text ?? Convert.ToBase64String(_bytes!);

    /// <summary>The binary value; for a text entry, its ASCII bytes.</summary>
    public byte[] ValueBytes => _bytes ?? System.Text.Encoding.ASCII.GetBytes(_text!);

    /// <inheritdoc />
    public override string ToString() => $"{Key}: {Value}";

    internal static bool IsBinaryKey(string key) => key.EndsWith("-bin", StringComparison.Ordinal);

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (char c in key)
        {
            bool valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!valid) throw new ArgumentException($"Metadata key '{key}' may only hold 0-9, a-z, '-', '_' and '.'.", nameof(key));
        }
        return key.ToLowerInvariant();
    }
}
