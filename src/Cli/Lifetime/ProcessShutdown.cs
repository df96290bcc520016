using System.Globalization;
using System.Runtime.InteropServices;

namespace AsyncRL.Cli.Lifetime;

/// <summary>
/// The process's one shutdown path. Installed first thing in <c>Main</c>, before any host, actor system or server
/// exists, it takes SIGINT and SIGTERM for the whole process: the first cancels <see cref="Token"/>, which every
/// command passes down to what it starts (a part started later sees the token already cancelled, so a signal that
/// came early is remembered, not lost); a command that has not finished <see cref="Grace"/> after the signal, or a
/// second signal, ends the process at once with the signal's conventional code (128 + its number).
/// </summary>
internal sealed class ProcessShutdown : IDisposable
{
    /// <summary>How long a signalled command has to stop in order (our manifests give pods 60 s before SIGKILL).</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(50);

    private readonly CancellationTokenSource _requested = new();
    private readonly ManualResetEventSlim _signalled = new();
    private readonly TextWriter _error;
    private readonly Action<int> _exit;
    private readonly PosixSignalRegistration[] _registrations;
    private Timer? _deadline;
    private int _signals;
    private int _first;

    /// <param name="register">Whether to take the process's signals (tests drive <see cref="OnSignal"/> themselves).</param>
    internal ProcessShutdown(TimeSpan grace, TextWriter error, Action<int> exit, bool register = true)
    {
        Grace = grace;
        _error = error;
        _exit = exit;
        _registrations = register
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)]
            : [];
    }

    /// <summary>The process's shutdown, once <see cref="Install"/> ran (null before, and in tests that build their own).</summary>
    public static ProcessShutdown? Current { get; private set; }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _requested.Token;

    /// <summary>How long after the first signal the process is ended if it has not stopped by itself.</summary>
    public TimeSpan Grace { get; }

    /// <summary>The first signal received (null before any).</summary>
    public PosixSignal? Signal => Volatile.Read(ref _first) switch
    {
        0 => null,
        var s => (PosixSignal)s,
    };

    /// <summary>The exit code of a process ended by <see cref="Signal"/>: 130 for SIGINT, 143 for SIGTERM (0 before any).</summary>
    public int SignalExitCode => Signal is { } s ? ExitCodeOf(s) : 0;

    /// <summary>Takes SIGINT and SIGTERM for this process; the grace over, <see cref="Environment.Exit"/> ends it.</summary>
    public static ProcessShutdown Install(TimeSpan grace, TextWriter error)
    {
        if (Current is not null) throw new InvalidOperationException("The process's shutdown is installed once.");
        return Current = new ProcessShutdown(grace, error, ForceExit);
    }

    /// <summary>Blocks until a signal arrived or <paramref name="timeout"/> passed; true when one did (the start-up phase hook waits here).</summary>
    public bool WaitForSignal(TimeSpan timeout) => _signalled.Wait(timeout);

    internal static int ExitCodeOf(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => 128 + 2,
        PosixSignal.SIGTERM => 128 + 15,
        _ => 1,
    };

    internal void OnSignal(PosixSignalContext context)
    {
        // Ours to handle: the runtime's default would end the process with no final checkpoint.
        context.Cancel = true;
        int code = ExitCodeOf(context.Signal);
        if (Interlocked.Increment(ref _signals) > 1)
        {
            _error.WriteLine($"asyncrl: {context.Signal} again: exiting now ({code})");
            _exit(code);
            return;
        }
        Volatile.Write(ref _first, (int)context.Signal);
        _error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"asyncrl: {context.Signal}: stopping in order (at most {Grace.TotalSeconds:0} s; send it again to exit at once)"));
        _deadline = new Timer(_ =>
        {
            _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"asyncrl: not stopped {Grace.TotalSeconds:0} s after {context.Signal}: exiting ({code})"));
            _exit(code);
        }, null, Grace, Timeout.InfiniteTimeSpan);
        _signalled.Set();
        // Cancellation callbacks run on the thread that cancels: not on the runtime's signal thread, which the
        // second signal needs free.
        new Thread(() =>
        {
            try
            {
                _requested.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the command had already ended and Main disposed this
            }
        }) { IsBackground = true, Name = "asyncrl-shutdown" }.Start();
    }

    /// <summary>Ends the process with <paramref name="code"/>; if exit handlers hang, a backstop ends it without them.</summary>
    private static void ForceExit(int code)
    {
        new Thread(() =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(5));
            Exit(code);
        }) { IsBackground = true, Name = "asyncrl-exit-backstop" }.Start();
        Environment.Exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void Exit(int status);

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _deadline?.Dispose();
        _signalled.Dispose();
        _requested.Dispose();
        if (ReferenceEquals(Current, this)) Current = null;
    }
}
