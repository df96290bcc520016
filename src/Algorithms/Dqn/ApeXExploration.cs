namespace AsyncRL.Algorithms.Dqn;

/// <summary>Ape-X's fixed per-actor exploration (Horgan et al. 2018, §4.1) and an optional linear warm-up.</summary>
public static class ApeXExploration
{
    /// <summary>εᵢ = ε^(1 + i·α/(N−1)) for slot i of N (N = 1: ε itself).</summary>
    public static float Epsilon(int i, int n, float epsilon, float alpha)
    {
        if (n < 1 || (uint)i >= (uint)n) throw new ArgumentOutOfRangeException(nameof(i), $"Ape-X ε: slot {i} of {n}.");
        return n == 1 ? epsilon : MathF.Pow(epsilon, 1f + i * alpha / (n - 1));
    }

    /// <summary>Linear decay from 1 to <paramref name="final"/> over <paramref name="decaySteps"/> steps (0: <paramref name="final"/> at once).</summary>
    public static float Linear(long step, long decaySteps, float final) =>
        decaySteps <= 0 || step >= decaySteps ? final : 1f + (final - 1f) * step / decaySteps;

    /// <summary>The slot of environment <paramref name="env"/> of actor <paramref name="actorId"/> (<c>node/i</c>): i·M + env, modulo N.</summary>
    public static int Slot(string actorId, int env, int envsPerActor, int slots)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        int cut = actorId.LastIndexOf('/');
        int index = cut >= 0 && int.TryParse(actorId.AsSpan(cut + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i) ? i : 0;
        return (int)(((long)index * envsPerActor + env) % slots);
    }
}
