namespace AsyncRL.Algorithms;

/// <summary>How one actor's algorithm instance is built, besides the run spec.</summary>
/// <param name="ActorId">The id the learner assigned (<c>{node_id}/{i}</c>).</param>
/// <param name="Seed">Seeds the actor's environments and sampler (derived from the run seed and the actor id).</param>
/// <param name="EnvsPerActor">Environments the actor steps together.</param>
public sealed record ActorAlgorithmSettings(string ActorId, ulong Seed, int EnvsPerActor)
{
    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ActorId);
        ArgumentOutOfRangeException.ThrowIfLessThan(EnvsPerActor, 1);
    }
}
