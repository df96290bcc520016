using AsyncRL.Models.Engine;
using AsyncRL.Models.Torch;

namespace AsyncRL.Cli.Configuration;

/// <summary>
/// <c>--backend</c> and <c>--device</c>: which engine trains the learner's networks. The defaults per algorithm are
/// the measured winners (README, "Which engine runs where").
/// </summary>
internal static class ModelEngines
{
    /// <summary>Algorithms whose learner runs on either engine.</summary>
    public static readonly string[] TorchAlgorithms = ["ppo", "dqn", "her", "maddpg", "dpo", "ppo-lm", "rloo"];

    /// <summary>The engine for <paramref name="algo"/>: the given backend, or its default.</summary>
    public static ModelEngine Resolve(string? backend, string device, string algo)
    {
        ModelBackend chosen;
        try
        {
            chosen = string.IsNullOrWhiteSpace(backend) ? DefaultBackend(algo) : ModelEngine.ParseBackend(backend);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--backend: {e.Message}");
        }
        return new ModelEngine(chosen, device?.Trim().ToLowerInvariant() ?? "cpu");
    }

    /// <summary>
    /// Tiny MLPs (CartPole's 4-64-64-2) pay libtorch's per-op cost on every small tensor, so our engine stays the
    /// default where it measured faster; see the README's table.
    /// </summary>
    public static ModelBackend DefaultBackend(string algo) => ModelBackend.Managed;

    /// <summary>Fails with a usage error when the engine cannot run <paramref name="algo"/> here (checked before anything starts).</summary>
    public static void Check(ModelEngine engine, string algo)
    {
        ArgumentNullException.ThrowIfNull(engine);
        try
        {
            engine.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--device: {e.Message}");
        }
        if (engine.Backend != ModelBackend.Torch) return;
        if (!TorchAlgorithms.Contains(algo, StringComparer.OrdinalIgnoreCase))
            throw new CliUsageException($"--backend torch: {algo} runs on the managed engine only so far (torch: {string.Join(", ", TorchAlgorithms)}).");
        try
        {
            TorchRuntime.Resolve(engine.Device);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new CliUsageException($"--device {engine.Device}: {e.Message}");
        }
    }
}
