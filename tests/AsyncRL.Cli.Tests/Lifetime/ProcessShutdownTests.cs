using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using AsyncRL.Cli.Lifetime;

namespace AsyncRL.Cli.Tests.Lifetime;

public sealed class ProcessShutdownTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FirstSignal_CancelsTheToken_AndRemembersTheSignal()
    {
        var exits = new BlockingCollection<int>();
        using var shutdown = new ProcessShutdown(TimeSpan.FromMinutes(5), TextWriter.Null, exits.Add, register: false);
        Assert.Null(shutdown.Signal);
        Assert.Equal(0, shutdown.SignalExitCode);

        var context = new PosixSignalContext(PosixSignal.SIGTERM);
        shutdown.OnSignal(context);

        Assert.True(context.Cancel, "the signal must be marked handled, or the runtime ends the process at once");
        await Task.Delay(Timeout.Infinite, shutdown.Token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Wait);
        Assert.True(shutdown.Token.IsCancellationRequested);
        Assert.Equal(PosixSignal.SIGTERM, shutdown.Signal);
        Assert.Equal(143, shutdown.SignalExitCode);
        Assert.True(shutdown.WaitForSignal(TimeSpan.Zero));
        Assert.Empty(exits);
    }

    [Fact]
    public void SecondSignal_ExitsAtOnce_WithTheSignalsCode()
    {
        var exits = new BlockingCollection<int>();
        using var shutdown = new ProcessShutdown(TimeSpan.FromMinutes(5), TextWriter.Null, exits.Add, register: false);
        shutdown.OnSignal(new PosixSignalContext(PosixSignal.SIGTERM));
        shutdown.OnSignal(new PosixSignalContext(PosixSignal.SIGINT));

        Assert.True(exits.TryTake(out int code, Wait));
        Assert.Equal(130, code);
    }

    [Fact]
    public void NotStoppedWithinTheGrace_ExitsWithTheSignalsCode()
    {
        var exits = new BlockingCollection<int>();
        using var shutdown = new ProcessShutdown(TimeSpan.FromMilliseconds(100), TextWriter.Null, exits.Add, register: false);
        shutdown.OnSignal(new PosixSignalContext(PosixSignal.SIGINT));

        Assert.True(exits.TryTake(out int code, Wait), "the grace passed without an exit");
        Assert.Equal(130, code);
    }

    [Fact]
    public void Disposed_BeforeTheGraceEnds_DoesNotExit()
    {
        var exits = new BlockingCollection<int>();
        var shutdown = new ProcessShutdown(TimeSpan.FromMilliseconds(300), TextWriter.Null, exits.Add, register: false);
        shutdown.OnSignal(new PosixSignalContext(PosixSignal.SIGTERM));
        shutdown.Dispose(); // the command stopped in order and Main returned

        Assert.False(exits.TryTake(out _, TimeSpan.FromSeconds(1)), "a process that stopped in time was ended anyway");
    }
}
