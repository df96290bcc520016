using AsyncRL.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>
/// How DQN's (and HER's) acting settings travel in a <see cref="RunSpec"/>: ε schedule, n, γ and the
/// fragment length in <c>acting</c>, hidden sizes in <c>model</c>.
/// </summary>
public static class DqnRunSpec
{
    /// <summary>DQN's name on the wire and in the CLI.</summary>
    public const string Algorithm = "dqn";

    /// <summary>Builds the run spec registering actors receive.</summary>
    public static RunSpec Create(string algorithm, DqnOptions options, string envId, IReadOnlyDictionary<string, string> envArgs,
        SampleSchema schema, ulong seed, uint lag, uint maxStaleness)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(envArgs);
        var spec = RunSpecFields.Create(algorithm, RunSpecFields.Env(envId, envArgs), seed, lag, maxStaleness, options.RolloutLength, schema);
        spec.Acting.Fields["rollout_length"] = Value.ForNumber(options.RolloutLength);
        spec.Acting.Fields["n_step"] = Value.ForNumber(options.NStep);
        spec.Acting.Fields["gamma"] = Value.ForNumber(options.Gamma);
        spec.Acting.Fields["epsilon"] = Value.ForNumber(options.Epsilon);
        spec.Acting.Fields["epsilon_alpha"] = Value.ForNumber(options.EpsilonAlpha);
        spec.Acting.Fields["epsilon_slots"] = Value.ForNumber(options.EpsilonSlots);
        spec.Acting.Fields["epsilon_decay_steps"] = Value.ForNumber(options.EpsilonDecaySteps);
        RunSpecFields.SetHidden(spec, options.Hidden);
        return spec;
    }

    /// <summary>The acting options a run spec carries (learner-only fields keep their defaults).</summary>
    public static DqnOptions Acting(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new DqnOptions
        {
            RolloutLength = (int)RunSpecFields.Acting(spec, "rollout_length"),
            NStep = (int)RunSpecFields.Acting(spec, "n_step"),
            Gamma = (float)RunSpecFields.Acting(spec, "gamma"),
            Epsilon = (float)RunSpecFields.Acting(spec, "epsilon"),
            EpsilonAlpha = (float)RunSpecFields.Acting(spec, "epsilon_alpha"),
            EpsilonSlots = (int)RunSpecFields.Acting(spec, "epsilon_slots"),
            EpsilonDecaySteps = (long)RunSpecFields.Acting(spec, "epsilon_decay_steps"),
            Hidden = RunSpecFields.Hidden(spec),
        };
    }
}
