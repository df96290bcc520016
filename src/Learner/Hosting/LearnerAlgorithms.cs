using AsyncRL.Algorithms;
using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Her;
using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Environments;

namespace AsyncRL.Learner;

/// <summary>The algorithms a learner node can run, by their CLI name.</summary>
public static class LearnerAlgorithms
{
    /// <summary>Names <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = [PpoRunSpec.Algorithm, DqnRunSpec.Algorithm, HerLearnerAlgorithm.AlgorithmName, MaddpgRunSpec.Algorithm, .. LanguageObjectives.Names];

    /// <summary>
    /// Builds the algorithm <paramref name="options"/> names, seeded from the run's seed. Language algorithms train their
    /// SFT model here, which takes a while: cancelling stops that between steps.
    /// </summary>
    public static ILearnerAlgorithm Create(LearnerNodeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var env = EnvRegistry.SpecOf(options.Env, options.EnvArgs);
        bool multiAgent = options.Algorithm.Equals(MaddpgRunSpec.Algorithm, StringComparison.OrdinalIgnoreCase);
        if (multiAgent != EnvRegistry.IsMultiAgent(env.Id))
        {
            throw new ArgumentException(multiAgent
                ? $"{MaddpgRunSpec.Algorithm} needs a multi-agent environment ({string.Join(", ", Environments.Particles.ParticleScenarios.Ids)}); '{env.Id}' is single-agent."
                : $"'{env.Id}' is a multi-agent environment ({env.AgentCount} agents): it runs with {MaddpgRunSpec.Algorithm}, not {options.Algorithm}.");
        }
        return options.Algorithm.ToUpperInvariant() switch
        {
            "PPO" => new PpoLearnerAlgorithm(options.Ppo, env, options.Seed, options.MaxStaleness,
                totalUpdates: options.Ppo.AnnealLearningRate ? Math.Max(1, options.Steps / options.Ppo.RowsPerUpdate) : 0),
            "DQN" => new DqnLearnerAlgorithm(options.Dqn, env, options.EnvArgs, options.Seed, options.MaxStaleness),
            "HER" => new HerLearnerAlgorithm(options.Her, env, options.EnvArgs, options.Seed),
            "MADDPG" => new MaddpgLearnerAlgorithm(options.Maddpg, EnvRegistry.MultiAgentSpecOf(env.Id, options.EnvArgs), options.Seed, options.MaxStaleness),
            // Language algorithms prepare their SFT model (and gold-rm's proxy reward model) here, before the node starts.
            "DPO" or "PPO-LM" or "RLOO" => new LanguageLearnerAlgorithm(options.Algorithm.ToLowerInvariant(), env.Id, options.EnvArgs, options.Seed, options.Language,
                cancellationToken: cancellationToken),
            _ => throw new ArgumentException($"Unknown algorithm '{options.Algorithm}' for the learner. Known: {string.Join(", ", Names)}."),
        };
    }
}
