using AsyncRL.Algorithms;
using AsyncRL.Environments;
using AsyncRL.Learner.Checkpointing;
using AsyncRL.Learner.Ingestion;
using AsyncRL.Learner.Membership;
using AsyncRL.Learner.Publishing;
using AsyncRL.Learner.RunLog;
using AsyncRL.Learner.Service;
using AsyncRL.Learner.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Grpc.HealthCheck;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AsyncRL.Learner;

/// <summary>
/// The learner node (DESIGN.md §5), composed once: gRPC service → ingestion queue → update loop → weights
/// publisher, with checkpoints and the run directory. <see cref="StartAsync"/> restores the latest
/// checkpoint, publishes the first version and listens; <see cref="Completion"/> ends when the run is
/// solved or out of budget (summary written); <see cref="StopAsync"/> checkpoints and shuts down.
/// </summary>
public sealed partial class LearnerNode : IAsyncDisposable
{
    private readonly LearnerNodeOptions _options;
    private readonly ILearnerAlgorithm _algorithm;
    private readonly EnvSpec _env;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RunLifetime _lifetime = new();
    private readonly CancellationTokenSource _loopStop = new();
    private readonly TaskCompletionSource<LearnerRunSummary> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HealthServiceImpl _health = new();
    private readonly NodeRegistry _registry;
    private readonly IngestCounters _counters = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private LearnerRuntime? _runtime;
    private UpdateLoop? _loop;
    private Task _loopTask = Task.CompletedTask;
    private WebApplication? _app;
    private WebApplication? _healthApp;
    private bool _started;
    private bool _stopped;
    private int _disposed;

    /// <summary>A node running the algorithm <paramref name="options"/> names.</summary>
    public LearnerNode(LearnerNodeOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options, LearnerAlgorithms.Create(options ?? throw new ArgumentNullException(nameof(options))), loggerFactory, timeProvider)
    {
    }

    /// <summary>A node running <paramref name="algorithm"/> (another algorithm, or a decorated one in tests).</summary>
    public LearnerNode(LearnerNodeOptions options, ILearnerAlgorithm algorithm, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(algorithm);
        options.Validate();
        _options = options;
        _algorithm = algorithm;
        _env = EnvRegistry.SpecOf(options.Env, options.EnvArgs);
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("AsyncRL.Learner");
        _time = timeProvider ?? TimeProvider.System;
        _registry = new NodeRegistry(_time, options.Lease);
        _health.SetStatus("", ServingStatus.NotServing);
        _health.SetStatus(Contracts.LearnerMethods.ServiceName, ServingStatus.NotServing);
    }

    /// <summary>The node's spans and instruments (listen to them, or export them with <see cref="LearnerTelemetry"/>).</summary>
    public LearnerInstrumentation Instrumentation { get; } = new();

    /// <summary>The address actors call (known once started; with port 0, the port picked).</summary>
    public Uri? Address { get; private set; }

    /// <summary>The health-check address, when a health port was asked for.</summary>
    public Uri? HealthAddress { get; private set; }

    /// <summary>The run's id (known once started).</summary>
    public string? RunId => _runtime?.RunId;

    /// <summary>The run directory.</summary>
    public string OutDir => Path.GetFullPath(_options.OutDir);

    /// <summary>Completes when the run is over (solved, out of budget, or stopped) and summary.json is written; faults if training failed.</summary>
    public Task<LearnerRunSummary> Completion => _completion.Task;

    /// <summary>The latest progress (null before start).</summary>
    public LearnerProgress? Progress => _loop?.Snapshot;

    /// <summary>The membership view: registered actor nodes and their leases.</summary>
    public IReadOnlyList<ActorNodeInfo> Nodes => _registry.Snapshot();

    /// <summary>
    /// Restores the latest checkpoint (if any), publishes the first version, starts listening and training.
    /// Returns the address actors call.
    /// </summary>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_started) throw new InvalidOperationException("The learner node has already been started.");
            _started = true;
            try
            {
                return await StartCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await AbandonStartAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task<Uri> StartCoreAsync(CancellationToken cancellationToken)
    {
        // Health first: probes get NOT_SERVING (not a refused connection) while a checkpoint is restored.
        if (_options.HealthPort is { } healthPort)
            (_healthApp, HealthAddress) = await StartHealthServerAsync(healthPort, cancellationToken).ConfigureAwait(false);
        Reach(Phases.Restore);
        cancellationToken.ThrowIfCancellationRequested();
        var runtime = _runtime = Prepare();
        _loop = new UpdateLoop(runtime);
        _loop.PublishFirst();
        var service = new LearnerService(
            new LearnerServiceSettings(runtime.RunId, CreateRunSpec(), _options.InitialCredits, _options.Lease),
            _algorithm, runtime.Dedup, runtime.Queue, runtime.Publisher, _registry, _lifetime, _counters, Instrumentation, _logger);
        Reach(Phases.Serve);
        (_app, Address) = await StartServerAsync(service, cancellationToken).ConfigureAwait(false);
        Reach(Phases.Join);
        await StartClusterAsync(Address, runtime.RunId, cancellationToken).ConfigureAwait(false);
        // Asked to stop while starting: nothing has trained, so nothing is left to save; the caller gets the cancellation.
        cancellationToken.ThrowIfCancellationRequested();
        _health.SetStatus("", ServingStatus.Serving);
        _health.SetStatus(Contracts.LearnerMethods.ServiceName, ServingStatus.Serving);

        runtime.Clock.Start(_restoredSeconds);
        _loopTask = Task.Run(RunLoopAsync, CancellationToken.None);
        LearnerLog.Listening(_logger, runtime.RunId, Address, _algorithm.Name, _env.Id, _options.Seed);
        return Address;
    }

    private void Reach(string phase) => _options.PhaseReached?.Invoke(phase);

    /// <summary>The start-up phases a learner node reports through <see cref="LearnerNodeOptions.PhaseReached"/>, in order.</summary>
    public static class Phases
    {
        /// <summary>Opening the run directory and restoring the newest checkpoint.</summary>
        public const string Restore = "restore";

        /// <summary>Opening the gRPC server.</summary>
        public const string Serve = "serve";

        /// <summary>Joining (or forming) the cluster, until this node is an Up member.</summary>
        public const string Join = "join";
    }

    /// <summary>A start that failed half way leaves nothing listening or open; the node cannot be started again.</summary>
    private async Task AbandonStartAsync()
    {
        _stopped = true;
        foreach (var app in new[] { _app, _healthApp })
        {
            if (app is null) continue;
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
        (_app, _healthApp) = (null, null);
        await StopClusterAsync().ConfigureAwait(false);
        _runtime?.RunDirectory.Dispose();
        (_runtime, _loop) = (null, null);
    }

    /// <summary>
    /// Stops: health NOT_SERVING, open streams end UNAVAILABLE (actors reconnect to a restarted learner),
    /// training stops, a checkpoint is saved, summary.json written (unless the run already finished), the server closes.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopped) return;
            _stopped = true;
            if (!_started) return;
            LearnerLog.Stopping(_logger);
            _health.SetStatus("", ServingStatus.NotServing);
            _health.SetStatus(Contracts.LearnerMethods.ServiceName, ServingStatus.NotServing);
            _lifetime.Stop();
            _runtime!.Queue.Close();
            await _loopStop.CancelAsync().ConfigureAwait(false);
            await _loopTask.ConfigureAwait(false);
            if (!_completion.Task.IsCompleted)
            {
                _loop!.SaveCheckpoint();
                _completion.TrySetResult(WriteSummary("stopped"));
            }
            if (_app is not null) await _app.StopAsync(cancellationToken).ConfigureAwait(false);
            await StopClusterAsync().ConfigureAwait(false);
            if (_healthApp is not null) await _healthApp.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await StopAsync().ConfigureAwait(false);
        if (_app is not null) await _app.DisposeAsync().ConfigureAwait(false);
        if (_healthApp is not null) await _healthApp.DisposeAsync().ConfigureAwait(false);
        _runtime?.RunDirectory.Dispose();
        _lifetime.Dispose();
        _loopStop.Dispose();
        _lifecycle.Dispose();
        Instrumentation.Dispose();
    }

    private async Task RunLoopAsync()
    {
        var runtime = _runtime!;
        string? reason;
        try
        {
            reason = await _loop!.RunAsync(_loopStop.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A failing algorithm is a bug, not bad input: end the streams and report it through Completion.
            LearnerLog.UpdateLoopFailed(_logger, e);
            _lifetime.Stop();
            runtime.Queue.Close();
            _completion.TrySetException(e);
            return;
        }
        if (reason is null) return; // stopped: StopAsync finishes up
        _lifetime.Finish();
        runtime.Queue.Close();
        _loop.SaveCheckpoint();
        _loop.PublishSnapshot();
        _completion.TrySetResult(WriteSummary(reason));
    }

    private LearnerRunSummary WriteSummary(string reason)
    {
        var p = _runtime!.Progress;
        double wall = _runtime.Clock.Seconds;
        var (min, mean, max) = p.Staleness;
        var summary = new LearnerRunSummary
        {
            Algo = _algorithm.Name,
            Env = _env.Id,
            Seed = _options.Seed,
            RunId = _runtime.RunId,
            Reason = reason,
            EnvSteps = p.EnvSteps,
            WallSeconds = wall,
            Updates = p.Updates,
            PolicyVersion = p.PolicyVersion,
            Episodes = p.Episodes,
            FinalReturnMean = p.ReturnMean,
            FinalScore = (_algorithm as IScoredLearnerAlgorithm)?.Score() ?? p.ReturnMean,
            N = _options.OffPolicyN,
            SftScore = (_algorithm as IReferenceScoredLearnerAlgorithm)?.ReferenceScore,
            KlToReference = (_algorithm as IReferenceScoredLearnerAlgorithm)?.KlToReference(),
            Solved = p.Solved,
            SolvedThreshold = _env.SolvedThreshold ?? _options.TargetScore,
            SolvedAtEnvSteps = p.SolvedAtEnvSteps,
            SolvedAtSeconds = p.SolvedAtSeconds,
            SamplesPerSecond = wall > 0 ? p.EnvSteps / wall : 0,
            Staleness = new StalenessStats(min, mean, max),
            AcceptedBatches = _counters.Accepted,
            DuplicateBatches = _counters.Duplicate,
            RejectedBatches = _counters.Rejected,
        };
        try
        {
            _runtime.RunDirectory.WriteSummary(summary);
        }
        catch (IOException e)
        {
            LearnerLog.RunLogFailed(_logger, RunDirectory.SummaryFileName, e);
        }
        LearnerLog.Finished(_logger, reason, p.EnvSteps, p.Updates, wall, p.ReturnMean ?? double.NaN);
        return summary;
    }
}
