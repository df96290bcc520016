using System.Globalization;
using System.Text.RegularExpressions;

namespace AsyncRL.IntegrationTests;

/// <summary>The counts of an <c>asyncrl actor</c> status line (<c>… accepted N, duplicate N, rejected N, seq N, …</c>).</summary>
internal readonly partial record struct ActorStatus(long Accepted, long Duplicate, long Rejected, long Seq)
{
    /// <summary>The newest status line in an actor process's output (null before the first).</summary>
    public static ActorStatus? Newest(CliProcess actor)
    {
        var matches = Line().Matches(actor.Output);
        if (matches.Count == 0) return null;
        var last = matches[^1].Groups;
        long Get(string name) => long.Parse(last[name].Value, CultureInfo.InvariantCulture);
        return new ActorStatus(Get("accepted"), Get("duplicate"), Get("rejected"), Get("seq"));
    }

    /// <summary>Batches accepted as the newest status line says (0 before the first).</summary>
    public static long AcceptedBy(CliProcess actor) => Newest(actor)?.Accepted ?? 0;

    /// <summary>Status lines printed so far.</summary>
    public static int Lines(CliProcess actor) => Line().Count(actor.Output);

    [GeneratedRegex(@"accepted (?<accepted>\d+), duplicate (?<duplicate>\d+), rejected (?<rejected>\d+), seq (?<seq>\d+)")]
    private static partial Regex Line();
}
