using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using WireTensor = AsyncRL.Contracts.V1.Tensor;

namespace AsyncRL.Algorithms;

/// <summary>
/// The columns an algorithm accepts, and the check every incoming <see cref="SampleBatch"/> must pass
/// before a row is stored. In a column's shape, <see cref="Rows"/> stands for the batch's row count
/// and <see cref="Any"/> for a free size.
/// </summary>
public sealed class SampleSchema
{
    /// <summary>Shape placeholder: the batch's row count.</summary>
    public const long Rows = -1;

    /// <summary>Shape placeholder: any size.</summary>
    public const long Any = -2;

    private readonly Dictionary<string, ColumnSpec> _columns;

    /// <summary>Creates the schema.</summary>
    public SampleSchema(IEnumerable<ColumnSpec> columns, int maxRows = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        MaxRows = maxRows;
    }

    /// <summary>The columns, for the run spec actors receive.</summary>
    public IEnumerable<ColumnSpec> Columns => _columns.Values;

    /// <summary>Largest row count a batch may carry.</summary>
    public int MaxRows { get; }

    /// <summary>A column spec.</summary>
    public static ColumnSpec Column(string name, DType dtype, bool optional = false, params long[] shape)
    {
        var spec = new ColumnSpec { Name = name, Dtype = dtype, Optional = optional };
        spec.Shape.AddRange(shape);
        return spec;
    }

    /// <summary>
    /// Null when the batch fits: known columns only, every required one present, dtypes and shapes as
    /// declared, byte lengths consistent, float values finite, versions not from the future. Otherwise
    /// a precise reason naming the column.
    /// </summary>
    public string? Validate(SampleBatch batch, long learnerVersion)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (string.IsNullOrEmpty(batch.ActorId)) return "actor_id is empty";
        long rows = batch.RowCount;
        if (rows == 0) return "row_count is 0";
        if (rows > MaxRows) return $"row_count {rows} exceeds the limit of {MaxRows}";
        if (batch.PolicyVersion < 0) return $"policy_version {batch.PolicyVersion} is negative";
        if (batch.PolicyVersion > learnerVersion) return $"policy_version {batch.PolicyVersion} is from the future (learner is at {learnerVersion})";
        if (batch.RowPolicyVersions.Count != 0)
        {
            if (batch.RowPolicyVersions.Count != rows) return $"row_policy_versions has {batch.RowPolicyVersions.Count} entries for {rows} rows";
            foreach (long v in batch.RowPolicyVersions)
                if (v < 0 || v > learnerVersion) return $"row policy version {v} is outside [0, {learnerVersion}]";
        }
        foreach (var name in batch.Columns.Keys)
            if (!_columns.ContainsKey(name)) return $"unknown column '{name}' (expected: {string.Join(", ", _columns.Keys.Order(StringComparer.Ordinal))})";
        foreach (var spec in _columns.Values)
        {
            if (!batch.Columns.TryGetValue(spec.Name, out var tensor))
            {
                if (spec.Optional) continue;
                return $"missing column '{spec.Name}'";
            }
            var error = CheckColumn(spec, tensor, rows);
            if (error is not null) return $"column '{spec.Name}': {error}";
        }
        return null;
    }

    private static string? CheckColumn(ColumnSpec spec, WireTensor tensor, long rows)
    {
        if (tensor.Dtype != spec.Dtype) return $"dtype {tensor.Dtype}, expected {spec.Dtype}";
        if (tensor.Shape.Count != spec.Shape.Count) return $"shape [{string.Join(", ", tensor.Shape)}] has rank {tensor.Shape.Count}, expected {spec.Shape.Count} ({Describe(spec, rows)})";
        for (int d = 0; d < spec.Shape.Count; d++)
        {
            long want = spec.Shape[d] == Rows ? rows : spec.Shape[d];
            if (want != Any && tensor.Shape[d] != want) return $"shape [{string.Join(", ", tensor.Shape)}], expected {Describe(spec, rows)}";
        }
        if (!TensorCodec.TryValidate(tensor, out var codecError)) return codecError;
        if (tensor.Dtype == DType.Float32 && !AsyncRL.Models.Finite.All(TensorCodec.AsFloat32(tensor))) return "contains NaN or infinity";
        return null;
    }

    private static string Describe(ColumnSpec spec, long rows) =>
        "[" + string.Join(", ", spec.Shape.Select(d => d == Rows ? rows.ToString(System.Globalization.CultureInfo.InvariantCulture) : d == Any ? "*" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
