using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts.V1;
using Grpc.Core;
using LearnerClient = AsyncRL.Contracts.V1.Learner.LearnerClient;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace AsyncRL.Learner.Tests.Support;

/// <summary>A learner node on 127.0.0.1:0 with its own run directory, and a real client to it.</summary>
internal sealed class LearnerHarness : IAsyncDisposable
{
    /// <summary>Small PPO settings: 4 envs × 8 steps per fragment, one fragment per update, fast updates.</summary>
    public static readonly PpoOptions SmallPpo = new() { RolloutLength = 8, RowsPerUpdate = 32, Minibatches = 2, Epochs = 1, AnnealLearningRate = false };

    private readonly TempDirectory? _ownedDirectory;

    private LearnerHarness(LearnerNode node, GrpcChannel channel, string? token, TempDirectory? ownedDirectory, string outDir)
    {
        Node = node;
        Channel = channel;
        Invoker = token is { Length: > 0 }
            ? channel.Intercept(metadata => { metadata.Add("authorization", "Bearer " + token); return metadata; })
            : channel.CreateCallInvoker();
        Client = new LearnerClient(Invoker);
        _ownedDirectory = ownedDirectory;
        OutDir = outDir;
    }

    public LearnerNode Node { get; }

    public GrpcChannel Channel { get; }

    /// <summary>Calls with the harness's token (for calls with their own marshallers).</summary>
    public CallInvoker Invoker { get; }

    public LearnerClient Client { get; }

    public string OutDir { get; }

    public static LearnerNodeOptions DefaultOptions(string outDir) => new()
    {
        OutDir = outDir,
        Listen = "http://127.0.0.1:0",
        Ppo = SmallPpo,
        Steps = 10_000_000,
        CheckpointInterval = TimeSpan.Zero,
        NoEarlyStop = true,
    };

    /// <summary>Starts a node; <paramref name="outDir"/> null gives it a fresh directory it deletes at the end.</summary>
    public static async Task<LearnerHarness> StartAsync(Func<LearnerNodeOptions, LearnerNodeOptions>? configure = null, string? outDir = null,
        Func<LearnerNodeOptions, ILearnerAlgorithm>? algorithm = null, string? clientToken = null, TimeProvider? time = null)
    {
        TempDirectory? owned = outDir is null ? new TempDirectory() : null;
        string dir = outDir ?? owned!.Path;
        var options = (configure ?? (o => o))(DefaultOptions(dir));
        var node = algorithm is null ? new LearnerNode(options, timeProvider: time) : new LearnerNode(options, algorithm(options), timeProvider: time);
        Uri address = await node.StartAsync().Within();
        var channel = GrpcChannel.ForAddress(address);
        return new LearnerHarness(node, channel, clientToken ?? options.AuthToken, owned, dir);
    }

    public Task<RegisterReply> RegisterAsync(string nodeId = "node-a", uint actors = 1) =>
        Client.RegisterAsync(new RegisterRequest { NodeId = nodeId, ActorCount = actors, EnvsPerActor = Fragments.Envs }).ResponseAsync.Within();

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Node.DisposeAsync().AsTask().Within();
        _ownedDirectory?.Dispose();
    }
}
