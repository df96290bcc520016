using AsyncRL.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>
/// How PPO's settings travel in a <see cref="RunSpec"/>: what actors need to act (rollout length,
/// hidden sizes) goes in <c>acting</c> and <c>model</c>; the columns come from <see cref="PpoWire"/>.
/// </summary>
public static class PpoRunSpec
{
    /// <summary>The algorithm's name on the wire and in the CLI.</summary>
    public const string Algorithm = "ppo";

    /// <summary>Builds the run spec a learner hands to registering actors.</summary>
    public static RunSpec Create(PpoOptions options, string envId, int observationSize, ulong seed, uint lag, uint maxStaleness)
    {
        ArgumentNullException.ThrowIfNull(options);
        var spec = RunSpecFields.Create(Algorithm, RunSpecFields.Env(envId), seed, lag, maxStaleness, options.RolloutLength, PpoWire.Schema(observationSize));
        spec.Acting.Fields["rollout_length"] = Value.ForNumber(options.RolloutLength);
        RunSpecFields.SetHidden(spec, options.Hidden);
        return spec;
    }

    /// <summary>Rollout length T from a run spec.</summary>
    public static int RolloutLength(RunSpec spec) => (int)RunSpecFields.Acting(spec, "rollout_length");

    /// <summary>Hidden sizes from a run spec.</summary>
    public static int[] Hidden(RunSpec spec) => RunSpecFields.Hidden(spec);
}
