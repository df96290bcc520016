using BenchmarkDotNet.Attributes;

namespace AsyncRL.Benchmarks.Transport;

/// <summary>BenchmarkDotNet view of the loopback transport (`--filter *TransportBenchmarks*`).</summary>
[MemoryDiagnoser]
public class TransportBenchmarks
{
    private TransportBenchHost _host = null!;

    [GlobalSetup]
    public void Setup() => _host = TransportBenchHost.StartAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _host.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>One unary call, one in flight.</summary>
    [Benchmark]
    public Task UnaryCall() => _host.PingAsync();

    /// <summary>64 MiB as 1 MiB WeightsChunk messages.</summary>
    [Benchmark]
    public Task<long> ServerStream64MiB() => _host.DownloadAsync(64);

    /// <summary>64 MiB as 1 MiB chunks straight into a WeightsAssembler.</summary>
    [Benchmark]
    public Task<long> ServerStream64MiBIntoAssembler() => _host.DownloadIntoAsync(64);
}
