namespace AsyncRL.Models.Nn;

/// <summary>What a state-dict load found: names it lacked, names it did not expect, and shape mismatches.</summary>
public sealed record StateDictLoadResult(
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> MisShaped);

/// <summary>Thrown by <see cref="Module.LoadStateDict"/> when the state does not fit the module.</summary>
public sealed class StateDictMismatchException : Exception
{
    /// <summary>Creates the exception with every problem listed in the message.</summary>
    public StateDictMismatchException(string moduleName, StateDictLoadResult result)
        : base(Describe(moduleName, result)) => Result = result;

    /// <summary>The details.</summary>
    public StateDictLoadResult Result { get; }

    private static string Describe(string moduleName, StateDictLoadResult r)
    {
        var parts = new List<string>();
        if (r.Missing.Count > 0) parts.Add("missing: " + string.Join(", ", r.Missing));
        if (r.Unexpected.Count > 0) parts.Add("unexpected: " + string.Join(", ", r.Unexpected));
        if (r.MisShaped.Count > 0) parts.Add("mis-shaped: " + string.Join("; ", r.MisShaped));
        return $"LoadStateDict({moduleName}) failed — {string.Join(" | ", parts)}.";
    }
}
