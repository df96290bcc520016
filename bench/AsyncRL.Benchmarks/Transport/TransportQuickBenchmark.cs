using System.Diagnostics;
using System.Globalization;

namespace AsyncRL.Benchmarks.Transport;

/// <summary>
/// Loopback gRPC figures: unary calls/s on one HTTP/2 connection (one call in flight, and many), and
/// server-streaming throughput in 1 MiB messages, three ways: as WeightsChunk objects, straight into a
/// WeightsAssembler (the actor's path), and counted unparsed (the transport alone); then sample ingest:
/// rows/s of CartPole PPO batches pushed to a real LearnerNode, which trains on them as it would in a run.
/// Client and server share the machine's cores.
/// </summary>
public sealed class TransportQuickBenchmark : IQuickBenchmark
{
    private const int ChunksPerRound = 1024; // 1 GiB
    private const int Rounds = 5;

    public string Name => "transport";

    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        RunAsync(output).GetAwaiter().GetResult();
    }

    private static async Task RunAsync(TextWriter output)
    {
        await using var host = await TransportBenchHost.StartAsync().ConfigureAwait(false);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}, LOH threshold {GC.GetConfigurationVariables().GetValueOrDefault("LOHThreshold")} bytes"));
        output.WriteLine("| measurement | value |");
        output.WriteLine("|---|---|");

        // Warm up the connection, the JIT (all tiers) and the pools.
        for (int i = 0; i < 5000; i++) await host.PingAsync().ConfigureAwait(false);
        for (int i = 0; i < 3; i++)
        {
            await host.DownloadAsync(128).ConfigureAwait(false);
            await host.DownloadRawAsync(128).ConfigureAwait(false);
        }
        await host.DownloadIntoAsync(ChunksPerRound).ConfigureAwait(false); // sizes the reused 1 GiB buffer

        foreach (int concurrency in new[] { 1, 16, 64 })
        {
            double rate = await UnaryRateAsync(host, concurrency, TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| unary calls/s, {concurrency} in flight, 1 connection | {rate:N0} |"));
        }

        await ReportStreamAsync(output, "WeightsChunk messages", host.DownloadAsync).ConfigureAwait(false);
        await ReportStreamAsync(output, "into a WeightsAssembler, CRC checked", host.DownloadIntoAsync).ConfigureAwait(false);
        await ReportStreamAsync(output, "unparsed (transport only)", host.DownloadRawAsync).ConfigureAwait(false);

        IngestResult ingest = await IngestBench.RunAsync(actors: 2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8)).ConfigureAwait(false);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| PushSamples ingest into a LearnerNode (PPO CartPole, {ingest.RowsPerBatch} rows/batch, {ingest.Actors} streams, training on): rows/s over {ingest.Seconds:F0} s ({ingest.Batches:N0} batches acked, {ingest.Rejected} rejected, {ingest.Updates:N0} updates) | {ingest.RowsPerSecond:N0} |"));
    }

    private static async Task ReportStreamAsync(TextWriter output, string what, Func<int, Task<long>> download)
    {
        var rates = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            var sw = Stopwatch.StartNew();
            long bytes = await download(ChunksPerRound).ConfigureAwait(false);
            rates.Add(bytes / sw.Elapsed.TotalSeconds / 1e9);
        }
        rates.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| server streaming 1 MiB messages, {what}: GB/s, median of {Rounds} x 1 GiB (min {rates[0]:F2}, max {rates[^1]:F2}) | {rates[Rounds / 2]:F2} |"));
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
