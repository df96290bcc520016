using System.Diagnostics;
using System.Globalization;

namespace AsyncRL.Benchmarks.Transport;

/// <summary>
/// Loopback gRPC figures: unary calls/s on one HTTP/2 connection (one call in flight, and many), and
/// server-streaming throughput in 1 MiB messages. Client and server share the machine's cores.
/// </summary>
public sealed class TransportQuickBenchmark : IQuickBenchmark
{
    public string Name => "transport";

    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        RunAsync(output).GetAwaiter().GetResult();
    }

    private static async Task RunAsync(TextWriter output)
    {
        await using var host = await TransportBenchHost.StartAsync().ConfigureAwait(false);
        output.WriteLine("| measurement | value |");
        output.WriteLine("|---|---|");

        // Warm up connection, JIT and pools.
        for (int i = 0; i < 2000; i++) await host.PingAsync().ConfigureAwait(false);
        await host.DownloadAsync(64).ConfigureAwait(false);

        foreach (int concurrency in new[] { 1, 16, 64 })
        {
            double rate = await UnaryRateAsync(host, concurrency, TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| unary calls/s, {concurrency} in flight, 1 connection | {rate:N0} |"));
        }

        var rounds = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            const int chunks = 1024; // 1 GiB per round
            var sw = Stopwatch.StartNew();
            long bytes = await host.DownloadAsync(chunks).ConfigureAwait(false);
            rounds.Add(bytes / sw.Elapsed.TotalSeconds / 1e9);
        }
        rounds.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| server streaming, 1 MiB messages, GB/s (median of 5 x 1 GiB; min {rounds[0]:F2}, max {rounds[^1]:F2}) | {rounds[2]:F2} |"));
    }

    private static async Task<double> UnaryRateAsync(TransportBenchHost host, int concurrency, TimeSpan duration)
    {
        long calls = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            long mine = 0;
            while (sw.Elapsed < duration)
            {
                await host.PingAsync().ConfigureAwait(false);
                mine++;
            }
            Interlocked.Add(ref calls, mine);
        }).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return calls / sw.Elapsed.TotalSeconds;
    }
}
