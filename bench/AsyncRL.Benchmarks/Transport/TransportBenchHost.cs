using System.Net;
using AsyncRL.Actors;
using AsyncRL.Actors.Hosting;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Contracts.Wire;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsyncRL.Benchmarks.Transport;

/// <summary>
/// A loopback Kestrel server (grpc-dotnet, the learner's Kestrel settings) with two benchmark methods: a tiny
/// unary call (health-check messages) and a server stream of 1 MiB weights chunks (the learner's hottest path),
/// plus a <see cref="GrpcChannel"/> to it configured as an actor node's.
/// </summary>
public sealed class TransportBenchHost : IAsyncDisposable
{
    public const int ChunkBytes = 1024 * 1024;
    private const string Service = "asyncrl.bench.v1.Bench";

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Ping =
        new(MethodType.Unary, Service, "Ping", Protobuf<HealthCheckRequest>(), Protobuf<HealthCheckResponse>());

    public static readonly Method<GetWeightsRequest, WeightsChunk> Stream =
        new(MethodType.ServerStreaming, Service, "Stream", Protobuf<GetWeightsRequest>(), Protobuf<WeightsChunk>());

    /// <summary>The stream's messages measured, not parsed (gRPC messages are reference types: a tiny object each).</summary>
    private static readonly Method<GetWeightsRequest, RawMessage> RawStream = new(MethodType.ServerStreaming, Service, "Stream",
        Protobuf<GetWeightsRequest>(),
        Marshallers.Create<RawMessage>(static (_, _) => throw new NotSupportedException(), static context => new RawMessage(context.PayloadLength)));

    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private readonly WeightsAssembler _assembler = new(reuseBuffer: true);

    private TransportBenchHost(WebApplication app, Uri address)
    {
        _app = app;
        _channel = ActorChannel(address);
        Invoker = _channel.CreateCallInvoker();
    }

    public CallInvoker Invoker { get; }

    /// <summary>A channel as an actor node opens it (src/Actors/Hosting/LearnerChannel.cs).</summary>
    public static GrpcChannel ActorChannel(Uri address) =>
        LearnerChannel.Create(address, new ActorNodeOptions { LearnerAddress = address }, NullLoggerFactory.Instance);

    public static async Task<TransportBenchHost> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.ConfigureGrpcDefaults();
            options.ListenGrpc(new IPEndPoint(IPAddress.Loopback, 0));
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 16 * 1024 * 1024);
        builder.Services.AddSingleton<BenchService>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<BenchService>, BenchMethods>());
        var app = builder.Build();
        app.UseRouting();
        app.MapGrpcService<BenchService>();
        await app.StartAsync().ConfigureAwait(false);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TransportBenchHost(app, new Uri(bound));
    }

    /// <summary>Streams <paramref name="chunks"/> chunks of 1 MiB as WeightsChunk messages; returns the bytes received.</summary>
    public async Task<long> DownloadAsync(int chunks)
    {
        // The request reuses GetWeightsRequest fields as parameters: version = chunk count.
        using var call = Invoker.AsyncServerStreamingCall(Stream, null, default, Request(chunks));
        long bytes = 0;
        await foreach (WeightsChunk chunk in call.ResponseStream.ReadAllAsync().ConfigureAwait(false)) bytes += chunk.Data.Length;
        return bytes;
    }

    /// <summary>
    /// Streams the chunks straight into a <see cref="WeightsAssembler"/> (CRC verified); returns the blob size.
    /// The assembler reuses its buffer across calls, as an actor receiving version after version would.
    /// </summary>
    public async Task<long> DownloadIntoAsync(int chunks)
    {
        WeightsAssembler assembler = _assembler;
        using var call = Invoker.AsyncServerStreamingCall(WeightsStreaming.Retarget(Stream, assembler), null, default, Request(chunks));
        await foreach (WeightsChunkReceipt receipt in call.ResponseStream.ReadAllAsync().ConfigureAwait(false))
        {
            if (receipt.Completed) return assembler.Blob.Length;
        }
        throw new InvalidOperationException("The stream ended before the weights were complete.");
    }

    /// <summary>Streams the chunks and only counts message bytes: the transport alone, no parsing.</summary>
    public async Task<long> DownloadRawAsync(int chunks)
    {
        using var call = Invoker.AsyncServerStreamingCall(RawStream, null, default, Request(chunks));
        long bytes = 0;
        await foreach (RawMessage message in call.ResponseStream.ReadAllAsync().ConfigureAwait(false)) bytes += message.Length;
        return bytes;
    }

    private static GetWeightsRequest Request(int chunks) => new() { Version = chunks, MaxChunkBytes = ChunkBytes };

    public Task<HealthCheckResponse> PingAsync() => Invoker.AsyncUnaryCall(Ping, null, default, new HealthCheckRequest()).ResponseAsync;

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static Marshaller<T> Protobuf<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create<T>(
            static (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }

    private sealed record RawMessage(int Length);

    /// <summary>The server side: one shared 1 MiB payload (the benchmark measures the transport, not filling buffers).</summary>
    private sealed class BenchService
    {
        private static readonly HealthCheckResponse Serving = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };
        private readonly byte[] _block = new byte[ChunkBytes];
        private readonly ByteString _payload;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, uint> _checksums = new();

        public BenchService()
        {
            new Random(1).NextBytes(_block);
            _payload = UnsafeByteOperations.UnsafeWrap(_block);
        }

        public static Task<HealthCheckResponse> Ping() => Task.FromResult(Serving);

        /// <summary>A "version" of n chunks is n copies of the block, with its true CRC-32C so receivers can verify it.</summary>
        public async Task StreamAsync(GetWeightsRequest request, IServerStreamWriter<WeightsChunk> responses, ServerCallContext context)
        {
            long chunks = request.Version;
            uint crc = _checksums.GetOrAdd(chunks, n =>
            {
                uint c = 0;
                for (long i = 0; i < n; i++) c = Crc32C.Append(c, _block);
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
                    Data = _payload,
                    Crc32C = crc,
                }, context.CancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Binds the two methods to <see cref="BenchService"/> without a generated base class.</summary>
    private sealed class BenchMethods : IServiceMethodProvider<BenchService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<BenchService> context)
        {
            context.AddUnaryMethod(Ping, [], static (_, _, _) => BenchService.Ping());
            context.AddServerStreamingMethod(Stream, [], static (service, request, responses, call) => service.StreamAsync(request, responses, call));
        }
    }
}
