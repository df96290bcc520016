using System.Globalization;
using System.Text.RegularExpressions;

namespace AsyncRL.IntegrationTests.Load;

/// <summary>
/// What a stopped <c>asyncrl actor</c> printed last: its final status line (with the batches still un-acked) and
/// the push-to-ack histogram after it.
/// </summary>
internal sealed partial record ActorFinalLine(ActorStatus Status, long Unacked, long PushAckCount)
{
    public static ActorFinalLine Parse(CliProcess actor)
    {
        string output = actor.Output;
        var status = ActorStatus.Newest(actor) ?? throw new InvalidOperationException("no status line:\n" + output);
        var unacked = UnackedCount().Matches(output);
        var histogram = Histogram().Match(output);
        if (unacked.Count == 0 || !histogram.Success) throw new InvalidOperationException("no final status and push-ack lines:\n" + output);
        long timed = histogram.Groups["buckets"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Sum(pair => long.Parse(pair[(pair.IndexOf(':', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture));
        return new ActorFinalLine(status, long.Parse(unacked[^1].Groups[1].Value, CultureInfo.InvariantCulture), timed);
    }

    [GeneratedRegex(@"unacked (\d+)")]
    private static partial Regex UnackedCount();

    [GeneratedRegex(@"^push-ack ms \(bucket upper bound:count\): (?<buckets>.*)$", RegexOptions.Multiline)]
    private static partial Regex Histogram();
}
