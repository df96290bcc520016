using AsyncRL.Contracts.V1;
using AsyncRL.Environments;
using Google.Protobuf.WellKnownTypes;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>How MADDPG's acting settings travel in a <see cref="RunSpec"/>: the fragment length in <c>acting</c>, hidden sizes in <c>model</c>.</summary>
public static class MaddpgRunSpec
{
    /// <summary>MADDPG's name on the wire and in the CLI.</summary>
    public const string Algorithm = "maddpg";

    /// <summary>Builds the run spec registering actors receive.</summary>
    public static RunSpec Create(MaddpgOptions options, MultiAgentEnvSpec env, SampleSchema schema, ulong seed, uint lag, uint maxStaleness)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(env);
        var spec = RunSpecFields.Create(Algorithm, RunSpecFields.Env(env.Id, agentCount: env.AgentCount), seed, lag, maxStaleness, options.RolloutLength, schema);
        spec.Acting.Fields["rollout_length"] = Value.ForNumber(options.RolloutLength);
        RunSpecFields.SetHidden(spec, options.Hidden);
        return spec;
    }

    /// <summary>The acting options a run spec carries (learner-only fields keep their defaults).</summary>
    public static MaddpgOptions Acting(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new MaddpgOptions
        {
            RolloutLength = checked((int)RunSpecFields.Acting(spec, "rollout_length")),
            Hidden = RunSpecFields.Hidden(spec),
        };
    }
}
