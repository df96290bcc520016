using System.Globalization;
using AsyncRL.Actors;
using AsyncRL.Learner;
using Spectre.Console;

namespace AsyncRL.Cli.Display;

/// <summary>
/// Shows a run's progress until it completes: a live table on a terminal, one plain line a second
/// otherwise (logs, CI, pipes).
/// </summary>
internal sealed class ProgressDisplay(Func<LearnerProgress?> learner, Func<ActorNodeStats>? actors)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public async Task<T> RunUntilAsync<T>(Task<T> completion, CancellationToken cancellationToken)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            while (!completion.IsCompleted)
            {
                await Task.WhenAny(completion, Task.Delay(Interval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (!completion.IsCompleted && learner() is { } p) await Console.Out.WriteLineAsync(Line(p)).ConfigureAwait(false);
            }
            return await completion.ConfigureAwait(false);
        }
        var table = new Table().AddColumns("update", "version", "env steps", "steps/s", "return (20)", "staleness mean/max", "batches ok/dup/rej", "actor version");
        await AnsiConsole.Live(table).StartAsync(async ctx =>
        {
            while (!completion.IsCompleted)
            {
                await Task.WhenAny(completion, Task.Delay(Interval / 4, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (learner() is not { } p) continue;
                table.Rows.Clear();
                table.AddRow(Cell(p.Updates), Cell(p.PolicyVersion), Cell(p.EnvSteps), Cell(p.SamplesPerSecond, "N0"),
                    p.ReturnMean is { } r ? Cell(r, "F1") : "-", $"{p.StalenessMean:F2} / {p.StalenessMax}",
                    $"{p.AcceptedBatches} / {p.DuplicateBatches} / {p.RejectedBatches}", actors is null ? "-" : Cell(actors().PolicyVersion));
                ctx.Refresh();
            }
        }).ConfigureAwait(false);
        return await completion.ConfigureAwait(false);
    }

    private static string Cell(double v, string format = "N0") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string Line(LearnerProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"t={p.TimeSeconds:F1}s update={p.Updates} version={p.PolicyVersion} env_steps={p.EnvSteps} steps/s={p.SamplesPerSecond:F0} " +
        $"return={(p.ReturnMean is { } r ? r.ToString("F1", CultureInfo.InvariantCulture) : "-")} staleness={p.StalenessMean:F2}/{p.StalenessMax} " +
        $"batches={p.AcceptedBatches}/{p.DuplicateBatches}/{p.RejectedBatches}");

    /// <summary>
    /// Shows progress until the learner's run completes; on cancellation (Ctrl-C) stops the node, which
    /// writes its final checkpoint and summary. Prints and returns the summary.
    /// </summary>
    public async Task<LearnerRunSummary> FollowAsync(LearnerNode node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        LearnerRunSummary summary;
        try
        {
            summary = await RunUntilAsync(node.Completion, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await node.StopAsync(CancellationToken.None).ConfigureAwait(false);
            summary = await node.Completion.ConfigureAwait(false);
        }
        PrintSummary(summary, node.OutDir);
        return summary;
    }

    public static void PrintSummary(LearnerRunSummary s, string outDir)
    {
        ArgumentNullException.ThrowIfNull(s);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{s.Algo} on {s.Env} (seed {s.Seed}): {s.Reason} after {s.EnvSteps:N0} env steps in {s.WallSeconds:F1} s; run directory {outDir}"));
        if (s.SftScore is { } sft)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"score {s.FinalScore:F3} (SFT {sft:F3}), KL to SFT {s.KlToReference:F2} per completion"));
    }
}
