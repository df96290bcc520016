using System.Text.Json.Serialization;

namespace AsyncRL.Learner;

/// <summary>
/// <c>summary.json</c> (DESIGN.md §7, a contract): how the run ended. Written when the run finishes and
/// when the node stops; returned by <see cref="LearnerNode.Completion"/>.
/// </summary>
public sealed record LearnerRunSummary
{
    /// <summary>The algorithm, e.g. <c>ppo</c>.</summary>
    [JsonPropertyName("algo")] public required string Algo { get; init; }

    /// <summary>The environment id.</summary>
    [JsonPropertyName("env")] public required string Env { get; init; }

    /// <summary>The run's base seed.</summary>
    [JsonPropertyName("seed")] public required ulong Seed { get; init; }

    /// <summary>The run's id (stamped on every batch).</summary>
    [JsonPropertyName("run_id")] public required string RunId { get; init; }

    /// <summary>Why it ended: <c>solved</c>, <c>budget</c> or <c>stopped</c>.</summary>
    [JsonPropertyName("reason")] public required string Reason { get; init; }

    /// <summary>Environment steps of accepted batches.</summary>
    [JsonPropertyName("env_steps")] public required long EnvSteps { get; init; }

    /// <summary>Seconds from the start of training (a restored run counts its earlier time too).</summary>
    [JsonPropertyName("wall_s")] public required double WallSeconds { get; init; }

    /// <summary>Updates run.</summary>
    [JsonPropertyName("updates")] public required long Updates { get; init; }

    /// <summary>The last published policy version.</summary>
    [JsonPropertyName("policy_version")] public required long PolicyVersion { get; init; }

    /// <summary>Episodes that finished.</summary>
    [JsonPropertyName("episodes")] public required long Episodes { get; init; }

    /// <summary>Mean return of the last 20 finished episodes; null when none finished.</summary>
    [JsonPropertyName("final_return_mean")] public required double? FinalReturnMean { get; init; }

    /// <summary>The task's own score; for control tasks the same as <see cref="FinalReturnMean"/>.</summary>
    [JsonPropertyName("final_score")] public required double? FinalScore { get; init; }

    /// <summary>Off-policyness N (<c>--n</c>, <c>--sync</c> is 1); null for the asynchronous mode.</summary>
    [JsonPropertyName("n")] public int? N { get; init; }

    /// <summary>Language tasks: the score of the SFT model the run started from (absent for other tasks).</summary>
    [JsonPropertyName("sft_score")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SftScore { get; init; }

    /// <summary>Language tasks: KL(π ‖ π_SFT) per sequence at the end, Monte-Carlo on held-out prompts (absent for other tasks).</summary>
    [JsonPropertyName("kl_to_reference")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? KlToReference { get; init; }

    /// <summary>Whether the task's solved threshold (or the run's target score) was reached.</summary>
    [JsonPropertyName("solved")] public required bool Solved { get; init; }

    /// <summary>The task's threshold, else the run's target score (null when neither is defined).</summary>
    [JsonPropertyName("solved_threshold")] public required double? SolvedThreshold { get; init; }

    /// <summary>Env steps when it was first solved.</summary>
    [JsonPropertyName("solved_at_env_steps")] public required long? SolvedAtEnvSteps { get; init; }

    /// <summary>Seconds from the start of training when it was first solved.</summary>
    [JsonPropertyName("solved_at_s")] public required double? SolvedAtSeconds { get; init; }

    /// <summary>Env steps per second over the run.</summary>
    [JsonPropertyName("samples_per_s")] public required double SamplesPerSecond { get; init; }

    /// <summary>Staleness of the rows trained on, over the run.</summary>
    [JsonPropertyName("staleness")] public required StalenessStats Staleness { get; init; }

    /// <summary>Batches stored.</summary>
    [JsonPropertyName("accepted_batches")] public required long AcceptedBatches { get; init; }

    /// <summary>Batches answered DUPLICATE.</summary>
    [JsonPropertyName("duplicate_batches")] public required long DuplicateBatches { get; init; }

    /// <summary>Batches answered REJECTED.</summary>
    [JsonPropertyName("rejected_batches")] public required long RejectedBatches { get; init; }
}

/// <summary>learner_version − policy_version over the rows trained on.</summary>
public sealed record StalenessStats(
    [property: JsonPropertyName("min")] long Min,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("max")] long Max);
