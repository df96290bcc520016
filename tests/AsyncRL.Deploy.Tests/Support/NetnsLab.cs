using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace AsyncRL.Deploy.Tests.Support;

/// <summary>
/// Separate network hosts on this machine: one network namespace per host, each with an <c>eth0</c> on a bridge that
/// lives in a namespace of its own, addresses from a private range, and per-namespace <c>/etc/hosts</c> (through
/// <c>ip netns exec</c>'s <c>/etc/netns/NAME</c>) so hosts find each other by the names Kubernetes Services would
/// give them. Nothing is routed out: the namespaces reach each other and nothing else. Names are unique per run;
/// disposing kills the processes and removes every namespace and file it made.
/// </summary>
internal sealed class NetnsLab : IAsyncDisposable
{
    private const string EtcNetns = "/etc/netns";
    private readonly string _prefix = "arl" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly List<string> _namespaces = [];
    private readonly List<NetnsProcess> _processes = [];
    private readonly bool _madeEtcNetns = !Directory.Exists(EtcNetns);

    private NetnsLab()
    {
    }

    /// <summary>Why the lab cannot run here, or null.</summary>
    public static string? SkipReason =>
        !OperatingSystem.IsLinux() ? "network namespaces need Linux"
        : !Tool.IsRoot ? "network namespaces need root (ip netns add)"
        : !Tool.OnPath("ip") ? "ip (iproute2) not found on PATH (.ci/run installs it)"
        : !Tool.OnPath("python3") ? "python3 not found on PATH (it runs the stand-in OTLP collector)"
        : new[] { "unshare", "setpriv", "findmnt" }.FirstOrDefault(t => !Tool.OnPath(t)) is { } missing ? $"{missing} (util-linux) not found on PATH"
        : null;

    private string Bridge => $"{_prefix}-br";

    public string Namespace(string host) => $"{_prefix}-{host}";

    /// <summary>
    /// Creates a namespace per host in <paramref name="addresses"/> (host → IPv4 address in a /24 they share), and in
    /// each an /etc/hosts that maps <paramref name="names"/> (name → host).
    /// </summary>
    public static async Task<NetnsLab> CreateAsync(IReadOnlyDictionary<string, string> addresses, IReadOnlyDictionary<string, string> names)
    {
        var lab = new NetnsLab();
        try
        {
            await lab.AddNamespaceAsync(lab.Bridge);
            await Ip("-n", lab.Bridge, "link", "add", "br0", "type", "bridge");
            await Ip("-n", lab.Bridge, "link", "set", "br0", "up");
            var hosts = "127.0.0.1 localhost\n" + string.Concat(names.Select(n => $"{addresses[n.Value]} {n.Key}\n"));
            foreach (var (host, address) in addresses)
            {
                string ns = lab.Namespace(host), port = $"v-{host}";
                await lab.AddNamespaceAsync(ns);
                await Ip("-n", lab.Bridge, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
                await Ip("-n", lab.Bridge, "link", "set", port, "master", "br0", "up");
                await Ip("-n", ns, "addr", "add", $"{address}/24", "dev", "eth0");
                await Ip("-n", ns, "link", "set", "eth0", "up");
                var etc = Directory.CreateDirectory(Path.Combine(EtcNetns, ns)).FullName;
                await File.WriteAllTextAsync(Path.Combine(etc, "hosts"), hosts);
                await File.WriteAllTextAsync(Path.Combine(etc, "resolv.conf"), "# no name servers: only the names in hosts resolve\n");
            }
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts <paramref name="file"/> inside <paramref name="host"/>'s namespace with exactly the given ASYNCRL_/OTEL_
    /// variables; with a <paramref name="container"/>, as its user on a read-only root with only its volumes writable.
    /// </summary>
    public NetnsProcess Start(string host, string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, ContainerSecurity? container = null)
    {
        IEnumerable<string> command = [file, .. args];
        if (container is not null)
        {
            command = ["unshare", "--mount", "--propagation", "private", "--", "sh", Path.Combine(AppContext.BaseDirectory, "Support", "readonly_root.sh"),
                .. container.WritableDirs, "--",
                "setpriv", $"--reuid={container.Uid}", $"--regid={container.Gid}", "--clear-groups", .. command];
        }
        var process = NetnsProcess.Start(Namespace(host), command.First(), command.Skip(1), environment);
        lock (_processes) _processes.Add(process);
        return process;
    }

    private async Task AddNamespaceAsync(string ns)
    {
        await Ip("netns", "add", ns);
        _namespaces.Add(ns);
        await Ip("-n", ns, "link", "set", "lo", "up");
    }

    private static async Task Ip(params string[] args)
    {
        var result = await Tool.RunAsync("ip", args, TimeSpan.FromSeconds(30));
        if (result.ExitCode != 0) throw new InvalidOperationException(result.Describe("ip " + string.Join(' ', args)));
    }

    public async ValueTask DisposeAsync()
    {
        lock (_processes)
            foreach (var p in _processes) p.Dispose();
        // Deleting a namespace removes its end of every veth pair, and so the other end on the bridge.
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            await Tool.RunAsync("ip", ["netns", "del", ns], TimeSpan.FromSeconds(30));
            var etc = Path.Combine(EtcNetns, ns);
            if (Directory.Exists(etc)) Directory.Delete(etc, recursive: true);
        }
        try
        {
            if (_madeEtcNetns) Directory.Delete(EtcNetns); // only while empty: another run may be using it
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A process in a network namespace (<c>ip netns exec</c> execs it: the process id is the program's), its output kept line by line.</summary>
internal sealed class NetnsProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private volatile bool _outputClosed;
    private volatile bool _errorClosed;

    private NetnsProcess(Process process) => _process = process;

    public static NetnsProcess Start(string ns, string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns, file }.Concat(args)) psi.ArgumentList.Add(a);
        // Only the settings given here: nothing inherited from the test's own environment.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("ASYNCRL_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi };
        var result = new NetnsProcess(process);
        // A null line is the end of that stream: only after both has all of an exited process's output arrived.
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) result._lines.Enqueue(e.Data); else result._outputClosed = true; };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) result._lines.Enqueue("err: " + e.Data); else result._errorClosed = true; };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    public string Output => string.Join('\n', _lines);

    /// <summary>Whether the process has exited and all its output has been read.</summary>
    public bool HasExited => _process.HasExited && _outputClosed && _errorClosed;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Sends SIGTERM, as the kubelet does to a pod being removed (the process id is the program's: every wrapper execs).</summary>
    public async Task TerminateAsync()
    {
        var result = await Tool.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        if (result.ExitCode != 0 && !_process.HasExited) throw new InvalidOperationException(result.Describe("kill -TERM"));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
    }
}

/// <summary>What a pod's security context asks for: a non-root user, and a read-only root where only volumes are writable.</summary>
internal sealed record ContainerSecurity(int Uid, int Gid, IReadOnlyList<string> WritableDirs);
