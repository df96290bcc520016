using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Her;
using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Algorithms;

/// <summary>
/// The actor side of each algorithm, by its wire name (<see cref="RunSpec.Algorithm"/>). A new algorithm
/// plugs in here with its own <see cref="IActorAlgorithm"/>.
/// </summary>
public static class ActorAlgorithms
{
    private static readonly Dictionary<string, Func<RunSpec, ActorAlgorithmSettings, IActorAlgorithm>> Factories = new(StringComparer.Ordinal)
    {
        [PpoRunSpec.Algorithm] = static (spec, settings) => new PpoActorAlgorithm(spec, settings),
        [DqnRunSpec.Algorithm] = static (spec, settings) => new DqnActorAlgorithm(spec, settings),
        [HerLearnerAlgorithm.AlgorithmName] = static (spec, settings) => new HerActorAlgorithm(spec, settings),
        [MaddpgRunSpec.Algorithm] = static (spec, settings) => new MaddpgActorAlgorithm(spec, settings),
        [Dpo.DpoObjective.AlgorithmName] = static (spec, settings) => new LanguageActorAlgorithm(spec, settings),
        [PpoLm.PpoLmObjective.AlgorithmName] = static (spec, settings) => new LanguageActorAlgorithm(spec, settings),
        [Rloo.RlooObjective.AlgorithmName] = static (spec, settings) => new LanguageActorAlgorithm(spec, settings),
    };

    /// <summary>Algorithms actors can run.</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>Builds the actor side of <paramref name="spec"/>'s algorithm; throws for one actors cannot run.</summary>
    public static IActorAlgorithm Create(RunSpec spec, ActorAlgorithmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        return Factories.TryGetValue(spec.Algorithm ?? "", out var create)
            ? create(spec, settings)
            : throw new NotSupportedException(
                $"Actors cannot run algorithm '{spec.Algorithm}' (known: {string.Join(", ", Factories.Keys.Order(StringComparer.Ordinal))}).");
    }
}
