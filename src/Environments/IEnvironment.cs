namespace AsyncRL.Environments;

/// <summary>
/// A single-agent environment with discrete actions. Implementations own their seeded generator
/// and count steps for truncation; they never allocate per step.
/// </summary>
public interface IEnvironment
{
    /// <summary>Sizes and limits.</summary>
    EnvSpec Spec { get; }

    /// <summary>Starts a new episode and writes its first observation.</summary>
    void Reset(Span<float> observation);

    /// <summary>Applies <paramref name="action"/> and writes the next observation.</summary>
    StepResult Step(int action, Span<float> observation);
}
