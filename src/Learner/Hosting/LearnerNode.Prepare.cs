using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Checkpointing;
using AsyncRL.Learner.Ingestion;
using AsyncRL.Learner.Publishing;
using AsyncRL.Learner.RunLog;
using AsyncRL.Learner.Training;

namespace AsyncRL.Learner;

public sealed partial class LearnerNode
{
    private double _restoredSeconds;

    /// <summary>Opens the run directory, restores the latest checkpoint if there is one, writes config.json.</summary>
    private LearnerRuntime Prepare()
    {
        var runDirectory = new RunDirectory(_options.OutDir);
        try
        {
            return Prepare(runDirectory);
        }
        catch
        {
            runDirectory.Dispose();
            throw;
        }
    }

    private LearnerRuntime Prepare(RunDirectory runDirectory)
    {
        var checkpoints = new LearnerCheckpoints(runDirectory.CheckpointsPath, _options.CheckpointKeep, _time);
        var progress = new RunProgress();
        var dedup = new Deduplicator();
        dedup.GapOverflow += actor => LearnerLog.SeqGap(_logger, actor, SeqWindow.MaxSparse);
        string? runId = _options.RunId;

        var problems = new List<string>();
        var restored = checkpoints.TryLoadLatest(problems);
        foreach (var problem in problems) LearnerLog.CheckpointSkipped(_logger, problem);
        // Checkpoints that all fail to verify are a damaged run, not a fresh one: starting over would prune them.
        if (restored is null && problems.Count > 0 && checkpoints.Any)
        {
            throw new Models.Checkpoints.CheckpointFormatException(
                $"no checkpoint in {checkpoints.Root} verifies ({string.Join("; ", problems)}); restore a good copy, or move the directory away to start afresh.");
        }
        if (restored is var (state, metadata, update))
        {
            const string p = LearnerCheckpoints.NodePrefix;
            string Get(string key) => metadata.TryGetValue(p + key, out var v) ? v : throw new InvalidDataException($"Checkpoint at update {update} lacks '{p + key}'.");
            if (Get("algorithm") != _algorithm.Name || Get("env") != _env.Id)
            {
                throw new RunDirectoryConflictException(
                    $"The checkpoints in {runDirectory.CheckpointsPath} are of {Get("algorithm")} on {Get("env")}, not {_algorithm.Name} on {_env.Id}: use another --out directory.");
            }
            _algorithm.RestoreState(state);
            progress.Restore(metadata, p);
            dedup.Restore(Get("dedup"));
            var c = CultureInfo.InvariantCulture;
            _counters.Restore(long.Parse(Get("accepted_batches"), c), long.Parse(Get("duplicate_batches"), c), long.Parse(Get("rejected_batches"), c));
            _restoredSeconds = double.Parse(Get("elapsed_s"), c);
            runId ??= Get("run_id");
            LearnerLog.Restored(_logger, update, progress.PolicyVersion, progress.EnvSteps);
        }
        runId ??= string.Create(CultureInfo.InvariantCulture, $"{_algorithm.Name}-{_env.Id}-s{_options.Seed}-{Guid.NewGuid():N}")[..^24];

        var runtime = new LearnerRuntime(_options, _algorithm, _env, runId,
            new IngestionQueue(_options.IngestQueueCapacity), new WeightsPublisher(_options.RetainedVersions), dedup, _counters, _lifetime,
            Instrumentation, runDirectory, checkpoints, progress, new RunClock(_time), _time, _logger, _registry.LiveActorCount, ClusterMembers);
        runDirectory.WriteConfig(ResolvedConfig(runId));
        return runtime;
    }

    private RunSpec CreateRunSpec()
    {
        var spec = _algorithm.CreateRunSpec(_options.Seed, _options.Lag);
        spec.WeightsEncoding = _options.WeightsEncoding;
        spec.FragmentsPerVersion = checked((uint)(_options.OffPolicyN ?? 0));
        // An actor pipeline counts one new version per fragment; publishing every N updates would leave it waiting,
        // so such runs act free-running (depth 0) or, under --n, by fragments per version. The field stays: actors read it.
        if (_options.PublishPeriod > 1 && spec.Acting is { } acting && acting.Fields.ContainsKey("pipeline_depth"))
            acting.Fields["pipeline_depth"] = Google.Protobuf.WellKnownTypes.Value.ForNumber(0);
        return spec;
    }

    /// <summary>config.json: everything the run was started with, after defaults (the token itself stays out).</summary>
    private JsonObject ResolvedConfig(string runId)
    {
        var o = _options;
        var config = new JsonObject
        {
            ["run_id"] = runId,
            ["algo"] = _algorithm.Name,
            ["env"] = _env.Id,
            ["seed"] = o.Seed,
            ["steps"] = o.Steps,
            ["lag"] = o.Lag,
            ["max_staleness"] = o.MaxStaleness,
            ["publish_every"] = o.PublishPeriod,
            ["n"] = o.OffPolicyN,
            ["no_early_stop"] = o.NoEarlyStop,
            ["listen"] = o.Listen,
            ["tls"] = o.TlsCertificate is not null,
            ["health_port"] = o.HealthPort,
            ["auth"] = o.AuthToken is not null,
            ["checkpoint_interval_s"] = o.CheckpointInterval.TotalSeconds,
            ["checkpoint_every_updates"] = o.CheckpointEveryUpdates,
            ["checkpoint_keep"] = o.CheckpointKeep,
            ["initial_credits"] = o.InitialCredits,
            ["ingest_queue_capacity"] = o.IngestQueueCapacity,
            ["weights_history"] = o.RetainedVersions,
            ["weights_encoding"] = o.WeightsEncoding == WeightsEncoding.Bf16 ? "bf16" : "f32",
            ["lease_s"] = o.Lease.TotalSeconds,
            ["message_stall_timeout_s"] = o.MessageStallTimeout.TotalSeconds,
            ["max_concurrent_calls"] = o.MaxConcurrentCalls,
            ["env_spec"] = new JsonObject
            {
                ["observation_size"] = _env.ObservationSize,
                ["action_count"] = _env.ActionCount,
                ["max_episode_steps"] = _env.MaxEpisodeSteps,
                ["solved_threshold"] = _env.SolvedThreshold,
                ["agent_count"] = _env.AgentCount,
            },
            ["ppo"] = JsonSerializer.SerializeToNode(o.Ppo, LearnerJsonContext.Default.PpoOptions),
            ["env_args"] = new JsonObject(o.EnvArgs.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        if (_algorithm.Name == Algorithms.Dqn.DqnRunSpec.Algorithm) config["dqn"] = JsonSerializer.SerializeToNode(o.Dqn, LearnerJsonContext.Default.DqnOptions);
        if (_algorithm.Name == Algorithms.Her.HerLearnerAlgorithm.AlgorithmName) config["her"] = JsonSerializer.SerializeToNode(o.Her, LearnerJsonContext.Default.HerOptions);
        if (_algorithm.Name == Algorithms.Maddpg.MaddpgRunSpec.Algorithm) config["maddpg"] = JsonSerializer.SerializeToNode(o.Maddpg, LearnerJsonContext.Default.MaddpgOptions);
        if (Algorithms.Language.LanguageObjectives.IsLanguageAlgorithm(_algorithm.Name))
        {
            var lm = JsonSerializer.SerializeToNode(o.Language, LearnerJsonContext.Default.LanguageRlOptions)!.AsObject();
            lm["k"] = o.Language.KFor(_algorithm.Name);
            lm["beta"] = o.Language.BetaFor(_algorithm.Name);
            config["lm"] = lm;
            config["target_score"] = o.TargetScore;
        }
        foreach (var (key, value) in o.AdditionalConfig ?? [])
            config[key] = value?.DeepClone();
        return config;
    }
}
