using System.Globalization;
using AsyncRL.Cli.Sweep.Results;

namespace AsyncRL.Cli.Sweep;

/// <summary>Where a grid point stands.</summary>
internal enum JobState
{
    Pending,
    Skipped,
    Running,
    Done,
    Failed,
    Stopped,
}

/// <summary>A grid point as the display shows it.</summary>
/// <param name="Preparing">Whether it is its seed's first job, which the seed's others wait for.</param>
/// <param name="Message">For a failed or stopped run: why, in a line.</param>
internal sealed record JobView(SweepJob Job, JobState State, bool Preparing, TimeSpan Elapsed, double? Score, int? ExitCode, string? Message);

/// <summary>How the sweep's runs went: failures by job (with the reason), and whether it was interrupted.</summary>
internal sealed record SweepRunOutcome(IReadOnlyDictionary<SweepJob, string> Failures, bool Interrupted);

/// <summary>
/// Runs the grid: each point as its own <c>asyncrl train</c> process (<see cref="TrainProcess"/>), started in the
/// order and at the parallelism <see cref="SweepSchedule"/> allows, skipping points whose summary is complete. A failed
/// run is recorded and the sweep goes on. Cancelling (Ctrl-C) starts nothing more, asks every running child to stop in
/// order, and kills those still running after <see cref="StopGrace"/>.
/// </summary>
internal sealed class SweepRunner
{
    /// <summary>How long stopping children get for their final checkpoint before they are killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(40);

    private readonly SweepSettings _settings;
    private readonly SelfCommand _self;
    private readonly TimeProvider _time;
    private readonly Action<JobView> _changed;
    private readonly Lock _gate = new();
    private readonly Dictionary<SweepJob, Entry> _entries = [];
    private readonly List<SweepJob> _order;

    /// <param name="changed">Told of every change of a job's state (from the runner's loop).</param>
    public SweepRunner(SweepSettings settings, SelfCommand self, TimeProvider time, Action<JobView> changed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        (_settings, _self, _time, _changed) = (settings, self, time, changed);
        _order = [.. settings.Jobs()];
        foreach (var job in _order) _entries[job] = new Entry();
    }

    /// <summary>Every grid point now, in grid order (any thread).</summary>
    public IReadOnlyList<JobView> Snapshot()
    {
        lock (_gate) return [.. _order.Select(View)];
    }

    /// <summary>Runs every grid point that lacks a complete result; returns when all ended or, once cancelled, when the children stopped.</summary>
    public async Task<SweepRunOutcome> RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_settings.RunsDir);
        var schedule = new SweepSchedule(_order, _settings.Parallel, SummaryReader.IsComplete);
        foreach (var job in schedule.Skipped) Set(job, e => e.State = JobState.Skipped);
        var running = new Dictionary<SweepJob, TrainProcess>();
        var failures = new Dictionary<SweepJob, string>();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
        try
        {
            while (!schedule.Done)
            {
                while (!cancellationToken.IsCancellationRequested && schedule.TryTake(out var job))
                {
                    if (Start(job, schedule.IsPreparation(job)) is { } process) running[job] = process;
                    else
                    {
                        failures[job] = _entries[job].Message!;
                        schedule.Finished(job);
                    }
                }
                if (running.Count == 0) break;
                Lifetime.StartupPhases.Reach(Lifetime.StartupPhases.Runs);
                var ended = await Task.WhenAny(running.Values.Select(p => (Task)p.Completion).Append(cancelled.Task)).ConfigureAwait(false);
                if (ended == cancelled.Task) break;
                foreach (var (job, process) in running.Where(r => r.Value.Completion.IsCompleted).ToList())
                {
                    running.Remove(job);
                    if (Finish(job, process) is { } failure) failures[job] = failure;
                    process.Dispose();
                    schedule.Finished(job);
                }
            }
            bool interrupted = cancellationToken.IsCancellationRequested;
            if (interrupted)
            {
                schedule.Abandon();
                await StopAllAsync(running).ConfigureAwait(false);
            }
            return new SweepRunOutcome(failures, interrupted);
        }
        finally
        {
            foreach (var process in running.Values) process.Dispose();
        }
    }

    /// <summary>The environment of every run: one BLAS thread, so parallel runs do not oversubscribe the cores.</summary>
    public static IReadOnlyDictionary<string, string> ChildEnvironment() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ASYNCRL_BLAS_THREADS"] = "1",
        ["OPENBLAS_NUM_THREADS"] = "1",
        ["OMP_NUM_THREADS"] = "1",
    };

    private TrainProcess? Start(SweepJob job, bool preparing)
    {
        try
        {
            var process = TrainProcess.Start(_self, TrainArguments.For(_settings, job), job.LogPath, ChildEnvironment());
            Set(job, e => (e.State, e.Preparing, e.Started, e.Process) = (JobState.Running, preparing, _time.GetTimestamp(), process));
            return process;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            Set(job, e => (e.State, e.Message) = (JobState.Failed, $"could not start: {ex.Message}"));
            return null;
        }
    }

    /// <summary>Records how a run ended; returns the failure, or null when its result is complete.</summary>
    private string? Finish(SweepJob job, TrainProcess process)
    {
        int code = process.Completion.Result;
        var (result, problem) = SummaryReader.Read(job);
        string? failure = code != 0
            ? string.Create(CultureInfo.InvariantCulture, $"exit code {code}: {process.Tail.LastOrDefault(l => l.Trim().Length > 0) ?? "no output"} (log: {job.LogPath})")
            : result is null ? $"exited 0, but {problem} (log: {job.LogPath})" : null;
        Set(job, e =>
        {
            (e.State, e.ExitCode, e.Message, e.Elapsed, e.Score) = (failure is null ? JobState.Done : JobState.Failed, code, failure, _time.GetElapsedTime(e.Started), result?.FinalScore ?? process.Score);
            e.Process = null;
        });
        return failure;
    }

    private async Task StopAllAsync(Dictionary<SweepJob, TrainProcess> running)
    {
        foreach (var process in running.Values) process.RequestStop();
        var all = Task.WhenAll(running.Values.Select(p => p.Completion));
        await Task.WhenAny(all, Task.Delay(StopGrace, _time)).ConfigureAwait(false);
        foreach (var (job, process) in running)
        {
            if (!process.Completion.IsCompleted) process.Kill();
            Set(job, e =>
            {
                (e.State, e.Message, e.Elapsed, e.Score) = (JobState.Stopped, "stopped by the sweep (re-run the sweep to resume it)", _time.GetElapsedTime(e.Started), process.Score);
                e.Process = null;
            });
        }
    }

    private void Set(SweepJob job, Action<Entry> change)
    {
        JobView view;
        lock (_gate)
        {
            change(_entries[job]);
            view = View(job);
        }
        _changed(view);
    }

    private JobView View(SweepJob job)
    {
        var e = _entries[job];
        bool live = e.State == JobState.Running && e.Process is not null;
        return new JobView(job, e.State, e.Preparing, live ? _time.GetElapsedTime(e.Started) : e.Elapsed, live ? e.Process!.Score : e.Score, e.ExitCode, e.Message);
    }

    private sealed class Entry
    {
        public JobState State { get; set; }

        public bool Preparing { get; set; }

        public long Started { get; set; }

        public TimeSpan Elapsed { get; set; }

        public double? Score { get; set; }

        public int? ExitCode { get; set; }

        public string? Message { get; set; }

        public TrainProcess? Process { get; set; }
    }
}
