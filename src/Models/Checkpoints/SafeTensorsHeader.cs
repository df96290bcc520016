using System.Text.Json;
using System.Text.Unicode;

namespace AsyncRL.Models.Checkpoints;

/// <summary>One tensor's header entry, as parsed (not yet checked against the data area).</summary>
internal sealed record SafeTensorsEntry(string Name, SafeTensorsDType DType, int[] Shape, ulong Begin, ulong End);

/// <summary>The parsed JSON header: tensor entries in file order and the metadata map.</summary>
internal sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata)
{
    internal const string MetadataKey = "__metadata__";

    // The header has three levels (file object, tensor object, shape array); a little headroom lets
    // unknown fields be skipped, while a deeply nested hostile header fails fast.
    private static readonly JsonReaderOptions s_options = new()
    {
        MaxDepth = 16,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>Parses header bytes; every problem becomes a <see cref="CheckpointFormatException"/>.</summary>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
            throw new CheckpointFormatException("safetensors header is not valid UTF-8.");
        if (json.IsEmpty || json[0] != (byte)'{')
            throw new CheckpointFormatException("safetensors header must be a JSON object starting with '{'.");
        try
        {
            var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(s_options));
            return ParseObject(ref reader);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"safetensors header is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString throws this for escapes that decode to invalid UTF-16 (lone surrogates).
            throw new CheckpointFormatException($"safetensors header has an invalid string: {e.Message}", e);
        }
    }

    private static SafeTensorsHeader ParseObject(ref Utf8JsonReader reader)
    {
        if (Next(ref reader) != JsonTokenType.StartObject)
            throw new CheckpointFormatException($"safetensors header must be a JSON object, found {reader.TokenType}.");
        var entries = new List<SafeTensorsEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, string>? metadata = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            if (!names.Add(name))
                throw new CheckpointFormatException(name, "appears more than once in the header.");
            Next(ref reader);
            if (name == MetadataKey) metadata = ParseMetadata(ref reader);
            else entries.Add(ParseEntry(ref reader, name));
        }
        // Only whitespace (the format's padding) may follow the object; the reader rejects anything else.
        if (reader.Read())
            throw new CheckpointFormatException("safetensors header has content after its JSON object.");
        return new SafeTensorsHeader(entries, metadata ?? new Dictionary<string, string>());
    }

    private static Dictionary<string, string> ParseMetadata(ref Utf8JsonReader reader)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.TokenType == JsonTokenType.Null) return metadata;
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new CheckpointFormatException($"'{MetadataKey}' must be an object of strings, found {reader.TokenType}.");
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            if (Next(ref reader) != JsonTokenType.String)
                throw new CheckpointFormatException($"'{MetadataKey}' entry '{key}' must be a string, found {reader.TokenType}.");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw new CheckpointFormatException($"'{MetadataKey}' has the key '{key}' more than once.");
        }
        return metadata;
    }

    private static SafeTensorsEntry ParseEntry(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new CheckpointFormatException(name, $"header entry must be an object, found {reader.TokenType}.");
        string? dtypeText = null;
        int[]? shape = null;
        ulong[]? offsets = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var field = reader.GetString()!;
            Next(ref reader);
            switch (field)
            {
                case "dtype":
                    if (dtypeText is not null) throw new CheckpointFormatException(name, "has 'dtype' more than once.");
                    if (reader.TokenType != JsonTokenType.String) throw new CheckpointFormatException(name, $"'dtype' must be a string, found {reader.TokenType}.");
                    dtypeText = reader.GetString()!;
                    break;
                case "shape":
                    if (shape is not null) throw new CheckpointFormatException(name, "has 'shape' more than once.");
                    shape = ParseShape(ref reader, name);
                    break;
                case "data_offsets":
                    if (offsets is not null) throw new CheckpointFormatException(name, "has 'data_offsets' more than once.");
                    offsets = ParseOffsets(ref reader, name);
                    break;
                default:
                    reader.Skip(); // unknown fields are tolerated, as the reference implementation does
                    break;
            }
        }
        if (dtypeText is null) throw new CheckpointFormatException(name, "is missing 'dtype'.");
        if (shape is null) throw new CheckpointFormatException(name, "is missing 'shape'.");
        if (offsets is null) throw new CheckpointFormatException(name, "is missing 'data_offsets'.");
        if (!SafeTensorsDTypes.TryParse(dtypeText, out var dtype))
            throw new CheckpointFormatException(name, $"unsupported dtype '{dtypeText}'.");
        return new SafeTensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static int[] ParseShape(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new CheckpointFormatException(name, $"'shape' must be an array, found {reader.TokenType}.");
        var dims = new List<int>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long d))
                throw new CheckpointFormatException(name, "'shape' must hold whole numbers.");
            if (d < 0) throw new CheckpointFormatException(name, $"'shape' has the negative dimension {d}.");
            if (d > int.MaxValue) throw new CheckpointFormatException(name, $"'shape' dimension {d} is too large.");
            // A rank-1000 hostile shape would otherwise grow this list freely; no real tensor comes close.
            if (dims.Count == 64) throw new CheckpointFormatException(name, "'shape' has more than 64 dimensions.");
            dims.Add((int)d);
        }
        return [.. dims];
    }

    private static ulong[] ParseOffsets(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new CheckpointFormatException(name, $"'data_offsets' must be an array, found {reader.TokenType}.");
        var offsets = new ulong[2];
        int count = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong value))
                throw new CheckpointFormatException(name, "'data_offsets' must hold non-negative whole numbers.");
            if (count == 2) throw new CheckpointFormatException(name, "'data_offsets' must hold exactly two numbers [begin, end].");
            offsets[count++] = value;
        }
        if (count != 2) throw new CheckpointFormatException(name, "'data_offsets' must hold exactly two numbers [begin, end].");
        return offsets;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new CheckpointFormatException("safetensors header JSON ends early.");
        return reader.TokenType;
    }
}
