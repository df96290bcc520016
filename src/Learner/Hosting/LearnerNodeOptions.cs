using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Her;
using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Learner;

/// <summary>Everything a learner node is run with (DESIGN.md §8: <c>asyncrl learner</c> and <c>train</c>).</summary>
public sealed record LearnerNodeOptions
{
    /// <summary>Where actors reach the node: <c>http://HOST:PORT</c>, h2c; port 0 picks a free one.</summary>
    public string Listen { get; init; } = "http://127.0.0.1:0";

    /// <summary>Certificate (with its private key) for TLS on an <c>https://</c> <see cref="Listen"/> address; the health port stays plaintext.</summary>
    public X509Certificate2? TlsCertificate { get; init; }

    /// <summary>Plaintext port for <c>grpc.health.v1</c> (Kubernetes probes); 0 picks a free one; null serves none.</summary>
    public int? HealthPort { get; init; }

    /// <summary>The cluster to form or join (role learner; no seeds: it seeds itself); null: no cluster, actors need the gRPC address.</summary>
    public AsyncRL.Cluster.ClusterSettings? Cluster { get; init; }

    /// <summary>An actor system the caller owns and shares (<c>asyncrl train</c>); overrides <see cref="Cluster"/>.</summary>
    public AsyncRL.Cluster.ClusterHost? ClusterHost { get; init; }

    /// <summary>
    /// Told, synchronously, of each start-up phase the node enters (<see cref="LearnerNode.Phases"/>): the program
    /// composing the node can log them, and its signal tests hold the node there.
    /// </summary>
    public Action<string>? PhaseReached { get; init; }

    /// <summary>The algorithm (<c>ppo</c>).</summary>
    public string Algorithm { get; init; } = "ppo";

    /// <summary>The environment id (<c>cartpole</c>, <c>acrobot</c>).</summary>
    public string Env { get; init; } = "cartpole";

    /// <summary>Base seed of the run: initial weights, minibatch order, and the actors' seeds through the run spec.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The run directory (config.json, metrics.jsonl, summary.json, checkpoints/).</summary>
    public required string OutDir { get; init; }

    /// <summary>Environment-step budget: the run finishes when accepted batches account for this many.</summary>
    public long Steps { get; init; } = 500_000;

    /// <summary>Actors act with the version this many behind the newest (the run spec's <c>lag</c>).</summary>
    public uint Lag { get; init; }

    /// <summary>Rows more than this many versions behind are left out of updates (0: no bound).</summary>
    public uint MaxStaleness { get; init; }

    /// <summary>A new policy version is published every this many updates (<see cref="OffPolicyN"/> overrides it).</summary>
    public int PublishEvery { get; init; } = 1;

    /// <summary>
    /// Off-policyness N (<c>--n</c>; "Asynchronous RLHF", Noukhovitch et al. 2024): actors generate N fragments with the
    /// version they hold, then wait for a newer one (the run spec's <c>fragments_per_version</c>); the learner takes one
    /// update per round of fragments and publishes every N updates, so the j-th update of a cycle is j versions
    /// off-policy. 1 is the synchronous on-policy baseline. Null: the asynchronous default, where actors never wait.
    /// Excludes a lag. PPO needs one round of fragments per update (rows per update = actors × envs × rollout length).
    /// </summary>
    public int? OffPolicyN { get; init; }

    /// <summary>Updates per published version: <see cref="OffPolicyN"/> when set, else <see cref="PublishEvery"/>.</summary>
    public int PublishPeriod => OffPolicyN ?? PublishEvery;

    /// <summary>When set, every learner call must carry <c>authorization: Bearer</c> this; health checks need none.</summary>
    public string? AuthToken { get; init; }

    /// <summary>A checkpoint is saved when this much time passed since the last (and at the end); zero: only every N updates and at the end.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A checkpoint is saved every this many updates (0: by time only).</summary>
    public int CheckpointEveryUpdates { get; init; }

    /// <summary>Checkpoints kept on disk.</summary>
    public int CheckpointKeep { get; init; } = 3;

    /// <summary>Keep training after the task's solved threshold is reached (until the step budget).</summary>
    public bool NoEarlyStop { get; init; }

    /// <summary>PPO hyper-parameters.</summary>
    public PpoOptions Ppo { get; init; } = new();

    /// <summary>Environment arguments (<c>--env-arg n=15</c>), sent to actors in the run spec.</summary>
    public IReadOnlyDictionary<string, string> EnvArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>DQN hyper-parameters.</summary>
    public DqnOptions Dqn { get; init; } = new();

    /// <summary>DQN + HER hyper-parameters.</summary>
    public HerOptions Her { get; init; } = new();

    /// <summary>MADDPG hyper-parameters (multi-agent particle tasks).</summary>
    public MaddpgOptions Maddpg { get; init; } = new();
    /// <summary>Online DPO, PPO-LM and RLOO settings (the language tasks).</summary>
    public LanguageRlOptions Language { get; init; } = new();

    /// <summary>
    /// A score that counts as solving the task (language tasks, whose score is logged every few updates): the run is
    /// solved when the logged <c>score</c> reaches it, and stops there unless <see cref="NoEarlyStop"/>. Null: none.
    /// </summary>
    public double? TargetScore { get; init; }

    /// <summary>Batches each PushSamples stream may have un-acknowledged at first.</summary>
    public uint InitialCredits { get; init; } = 4;

    /// <summary>Batches the ingestion queue holds before acks (and so credits) are withheld.</summary>
    public int IngestQueueCapacity { get; init; } = 16;

    /// <summary>
    /// Versions retained for GetWeights; at least <see cref="Lag"/> + 1 are kept whatever this says. Generous
    /// by default: a fast learner publishes many versions while a lagged actor's fetch is on its way, and a
    /// version gone by then leaves that actor on older weights (measured: staleness 27 instead of 143 at lag 4).
    /// </summary>
    public int WeightsHistory { get; init; } = 64;

    /// <summary>The weights encoding the run spec asks actors to fetch.</summary>
    public WeightsEncoding WeightsEncoding { get; init; } = WeightsEncoding.F32;

    /// <summary>How long a registration lives without an open stream.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest SampleBatch accepted, in bytes.</summary>
    public int MaxReceiveMessageSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// How long a call may wait for the rest of a request message once part of it arrived; past it the call ends
    /// DEADLINE_EXCEEDED. Idle time between messages is not bounded.
    /// </summary>
    public TimeSpan MessageStallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls the learner's port serves at once, across all connections; more are refused RESOURCE_EXHAUSTED.</summary>
    public int MaxConcurrentCalls { get; init; } = 10_000;

    /// <summary>Serve gRPC server reflection on the learner's port, so grpcurl-style tools can list the services.</summary>
    public bool GrpcReflection { get; init; }

    /// <summary>The run's id; null: restored from the checkpoint, or a new one.</summary>
    public string? RunId { get; init; }

    /// <summary>More settings for config.json (e.g. the CLI's actor settings), merged at the top level.</summary>
    public JsonObject? AdditionalConfig { get; init; }

    /// <summary>Versions retained: the configured history, and never fewer than lag + 1.</summary>
    public int RetainedVersions => Math.Max(WeightsHistory, checked((int)Lag + 1));

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(OutDir);
        ArgumentException.ThrowIfNullOrEmpty(Algorithm);
        ArgumentException.ThrowIfNullOrEmpty(Env);
        if (HealthPort is < 0 or > 65535) throw new ArgumentException($"Health port {HealthPort} is out of range.");
        if (Steps < 1) throw new ArgumentException($"The step budget must be positive, got {Steps}.");
        if (PublishEvery < 1) throw new ArgumentException($"publish_every must be at least 1, got {PublishEvery}.");
        if (OffPolicyN < 1) throw new ArgumentException($"n must be at least 1, got {OffPolicyN}.");
        // Versions count updates, so with a period above one they are not consecutive and "lag versions behind" names none.
        if (Lag > 0 && OffPolicyN is not null)
            throw new ArgumentException($"n ({OffPolicyN}) and lag ({Lag}) exclude each other: with n, actors wait for the next version, which a lagged actor would never see in time.");
        if (Lag > 0 && PublishPeriod > 1) throw new ArgumentException($"lag ({Lag}) needs a version every update, not every {PublishPeriod}.");
        if (CheckpointInterval < TimeSpan.Zero || CheckpointEveryUpdates < 0 || CheckpointKeep < 1)
            throw new ArgumentException("Checkpoint interval and update count must not be negative, and at least one checkpoint is kept.");
        if (InitialCredits < 1 || IngestQueueCapacity < 1 || WeightsHistory < 1)
            throw new ArgumentException("Initial credits, ingestion queue capacity and weights history must be positive.");
        if (WeightsEncoding is not (WeightsEncoding.F32 or WeightsEncoding.Bf16))
            throw new ArgumentException($"Weights encoding {WeightsEncoding} is not supported.");
        if (Lease <= TimeSpan.Zero) throw new ArgumentException("The lease must be positive.");
        if (MessageStallTimeout <= TimeSpan.Zero) throw new ArgumentException($"The message stall timeout must be positive, got {MessageStallTimeout.TotalSeconds} s.");
        if (MaxConcurrentCalls < 1) throw new ArgumentException($"The concurrent call limit must be positive, got {MaxConcurrentCalls}.");
        Cluster?.Validate();
        ArgumentNullException.ThrowIfNull(Ppo);
        Ppo.Validate();
        ArgumentNullException.ThrowIfNull(EnvArgs);
        if (Algorithm.Equals("dqn", StringComparison.OrdinalIgnoreCase)) Dqn.Validate();
        if (Algorithm.Equals("her", StringComparison.OrdinalIgnoreCase)) Her.Validate();
        if (Algorithm.Equals(MaddpgRunSpec.Algorithm, StringComparison.OrdinalIgnoreCase)) Maddpg.Validate();
        ArgumentNullException.ThrowIfNull(Language);
        if (LanguageObjectives.IsLanguageAlgorithm(Algorithm)) Language.Validate(Algorithm.ToLowerInvariant());
        if (TargetScore is { } target && !double.IsFinite(target)) throw new ArgumentException($"The target score must be finite, got {target}.");
        ListenAddress.Parse(Listen);
        if (ListenAddress.IsTls(Listen) != TlsCertificate is not null)
            throw new ArgumentException(TlsCertificate is null
                ? $"Listen address '{Listen}' asks for TLS but no certificate is given."
                : $"A TLS certificate is given but the listen address '{Listen}' is not https://.");
    }
}
