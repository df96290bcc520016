using System.Net;
using AsyncRL.Contracts;
using AsyncRL.Contracts.Health.V1;
using AsyncRL.Contracts.Transport;
using AsyncRL.Contracts.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncRL.Benchmarks.Transport;

/// <summary>
/// A loopback Kestrel server with two benchmark methods: a tiny unary call (health-check messages) and a
/// server stream of 1 MiB weights chunks (the learner's hottest path), plus a channel to it.
/// </summary>
public sealed class TransportBenchHost : IAsyncDisposable
{
    public const int ChunkBytes = 1024 * 1024;
    private const string Service = "asyncrl.bench.v1.Bench";

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Ping =
        ProtobufMethod.Create<HealthCheckRequest, HealthCheckResponse>(MethodType.Unary, Service, "Ping");

    public static readonly Method<GetWeightsRequest, WeightsChunk> Stream =
        ProtobufMethod.Create<GetWeightsRequest, WeightsChunk>(MethodType.ServerStreaming, Service, "Stream");

    private static readonly Method<GetWeightsRequest, long> RawStream = new(MethodType.ServerStreaming, Service, "Stream",
        Marshallers.Protobuf<GetWeightsRequest>(),
        new Marshaller<long>(static _ => 0, static (_, _) => { }, static message => message.Length));

    private static readonly HealthCheckResponse Serving = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };
    private readonly WebApplication _app;
    private readonly WeightsAssembler _assembler = new(reuseBuffer: true);

    private TransportBenchHost(WebApplication app, Uri address)
    {
        _app = app;
        Channel = GrpcChannel.ForAddress(address);
    }

    public GrpcChannel Channel { get; }

    public static async Task<TransportBenchHost> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.ConfigureGrpcDefaults();
            options.ListenGrpc(new IPEndPoint(IPAddress.Loopback, 0));
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddGrpcTransport();
        var app = builder.Build();
        app.UseRouting();

        // One shared 1 MiB payload: the benchmark measures the transport, not filling buffers. A "version" of
        // n chunks is n copies of it, with its true CRC-32C so receivers can verify it.
        byte[] block = new byte[ChunkBytes];
        new Random(1).NextBytes(block);
        ByteString payload = UnsafeByteOperations.UnsafeWrap(block);
        var checksums = new System.Collections.Concurrent.ConcurrentDictionary<long, uint>();
        app.MapGrpcService(ServiceDefinition.CreateBuilder()
            .AddUnary(Ping, static (_, _) => Task.FromResult(Serving))
            .AddServerStreaming(Stream, async (request, responses, context) =>
            {
                long chunks = request.Version;
                uint crc = checksums.GetOrAdd(chunks, n =>
                {
                    uint c = 0;
                    for (long i = 0; i < n; i++) c = Crc32C.Append(c, block);
                    return c;
                });
                long total = chunks * ChunkBytes;
                for (long offset = 0; offset < total; offset += ChunkBytes)
                {
                    await responses.WriteAsync(new WeightsChunk
                    {
                        Version = 1,
                        Offset = (ulong)offset,
                        TotalSize = (ulong)total,
                        Encoding = WeightsEncoding.F32,
                        Data = payload,
                        Crc32C = crc,
                    }, context.CancellationToken).ConfigureAwait(false);
                }
            })
            .Build());
        await app.StartAsync().ConfigureAwait(false);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TransportBenchHost(app, new Uri(bound));
    }

    /// <summary>Streams <paramref name="chunks"/> chunks of 1 MiB as WeightsChunk messages; returns the bytes received.</summary>
    public async Task<long> DownloadAsync(int chunks)
    {
        // The request reuses GetWeightsRequest fields as parameters: version = chunk count.
        using var call = Channel.ServerStreaming(Stream, Request(chunks));
        long bytes = 0;
        await foreach (WeightsChunk chunk in call.ResponseStream.ConfigureAwait(false)) bytes += chunk.Data.Length;
        return bytes;
    }

    /// <summary>
    /// Streams the chunks straight into a <see cref="WeightsAssembler"/> (CRC verified); returns the blob size.
    /// The assembler reuses its buffer across calls, as an actor receiving version after version would.
    /// </summary>
    public async Task<long> DownloadIntoAsync(int chunks)
    {
        WeightsAssembler assembler = _assembler;
        using var call = Channel.ServerStreaming(WeightsStreaming.Retarget(Stream, assembler), Request(chunks));
        await foreach (WeightsChunkReceipt receipt in call.ResponseStream.ConfigureAwait(false))
        {
            if (receipt.Completed) return assembler.Blob.Length;
        }
        throw new InvalidOperationException("The stream ended before the weights were complete.");
    }

    /// <summary>Streams the chunks and only counts message bytes: the transport alone, no parsing.</summary>
    public async Task<long> DownloadRawAsync(int chunks)
    {
        using var call = Channel.ServerStreaming(RawStream, Request(chunks));
        long bytes = 0;
        await foreach (long length in call.ResponseStream.ConfigureAwait(false)) bytes += length;
        return bytes;
    }

    private static GetWeightsRequest Request(int chunks) => new() { Version = chunks, MaxChunkBytes = ChunkBytes };

    public Task<HealthCheckResponse> PingAsync() => Channel.UnaryAsync(Ping, new HealthCheckRequest());

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
