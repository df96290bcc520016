using System.Net;
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

    private static readonly HealthCheckResponse Serving = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };
    private readonly WebApplication _app;

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

        // One shared 1 MiB payload: the benchmark measures the transport, not filling buffers.
        ByteString payload = UnsafeByteOperations.UnsafeWrap(new byte[ChunkBytes]);
        app.MapGrpcService(ServiceDefinition.CreateBuilder()
            .AddUnary(Ping, static (_, _) => Task.FromResult(Serving))
            .AddServerStreaming(Stream, async (request, responses, context) =>
            {
                long total = (long)request.MaxChunkBytes * request.Version;
                for (long offset = 0; offset < total; offset += ChunkBytes)
                {
                    await responses.WriteAsync(new WeightsChunk
                    {
                        Version = 1, Offset = (ulong)offset, TotalSize = (ulong)total,
                        Encoding = WeightsEncoding.F32, Data = payload,
                    }, context.CancellationToken).ConfigureAwait(false);
                }
            })
            .Build());
        await app.StartAsync().ConfigureAwait(false);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TransportBenchHost(app, new Uri(bound));
    }

    /// <summary>Streams <paramref name="chunks"/> chunks of 1 MiB; returns the bytes received.</summary>
    public async Task<long> DownloadAsync(int chunks)
    {
        // The request reuses GetWeightsRequest fields as parameters: version = chunk count.
        using var call = Channel.ServerStreaming(Stream, new GetWeightsRequest { Version = chunks, MaxChunkBytes = ChunkBytes });
        long bytes = 0;
        await foreach (WeightsChunk chunk in call.ResponseStream.ConfigureAwait(false)) bytes += chunk.Data.Length;
        return bytes;
    }

    public Task<HealthCheckResponse> PingAsync() => Channel.UnaryAsync(Ping, new HealthCheckRequest());

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
