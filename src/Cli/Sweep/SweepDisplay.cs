using System.Globalization;
using Spectre.Console;

namespace AsyncRL.Cli.Sweep;

/// <summary>
/// The sweep's progress: on a terminal a live table (each run's state, elapsed time, score); otherwise one plain line
/// per change of a run's state, for logs and CI.
/// </summary>
internal sealed class SweepDisplay
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    /// <summary>Whether output goes to an interactive terminal.</summary>
    public bool Live { get; } = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>A run's state changed: a plain line (when not live).</summary>
    public void Changed(JobView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (Live || view.State == JobState.Pending) return;
        Console.Out.WriteLine(Line(view));
    }

    /// <summary>The plain line for a run's new state.</summary>
    public static string Line(JobView v) => v.State switch
    {
        JobState.Skipped => $"{v.Job.Name}: already complete, skipped",
        JobState.Running => $"{v.Job.Name}: started{(v.Preparing ? " (prepares its seed: the seed's other runs wait for it)" : "")}",
        JobState.Done => string.Create(CultureInfo.InvariantCulture, $"{v.Job.Name}: done in {v.Elapsed.TotalSeconds:F1} s, final score {Score(v.Score)}"),
        JobState.Failed => $"{v.Job.Name}: FAILED, {v.Message}",
        JobState.Stopped => $"{v.Job.Name}: stopped",
        _ => $"{v.Job.Name}: {v.State}",
    };

    /// <summary>Shows the live table until <paramref name="until"/> completes (does nothing when not live).</summary>
    public async Task FollowAsync(Func<IReadOnlyList<JobView>> snapshot, Task until)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(until);
        if (!Live) return;
        var table = new Table().AddColumns("run", "state", "elapsed", "score", "note");
        await AnsiConsole.Live(table).StartAsync(async ctx =>
        {
            while (true)
            {
                Fill(table, snapshot());
                ctx.Refresh();
                if (until.IsCompleted) return;
                await Task.WhenAny(until, Task.Delay(Refresh)).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private static void Fill(Table table, IReadOnlyList<JobView> views)
    {
        table.Rows.Clear();
        foreach (var v in views)
        {
            string state = v.State switch
            {
                JobState.Running when v.Preparing => "[yellow]preparing[/]",
                JobState.Running => "[yellow]running[/]",
                JobState.Done => "[green]done[/]",
                JobState.Skipped => "[green]skipped[/]",
                JobState.Failed => "[red]failed[/]",
                JobState.Stopped => "[grey]stopped[/]",
                _ => "[grey]pending[/]",
            };
            string elapsed = v.State is JobState.Pending or JobState.Skipped ? "" : string.Create(CultureInfo.InvariantCulture, $"{v.Elapsed.TotalSeconds:F0} s");
            table.AddRow(Markup.Escape(v.Job.Name), state, elapsed, Score(v.Score), Markup.Escape(v.Message ?? ""));
        }
        int done = views.Count(v => v.State is JobState.Done or JobState.Skipped), failed = views.Count(v => v.State == JobState.Failed);
        table.Caption(string.Create(CultureInfo.InvariantCulture, $"{done}/{views.Count} complete, {views.Count(v => v.State == JobState.Running)} running, {failed} failed"));
    }

    private static string Score(double? score) => score is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "-";
}
