namespace AsyncRL.Algorithms.Language;

/// <summary>The Bradley–Terry loss of a batch of pairs, with its gradient with respect to each side's reward.</summary>
/// <param name="Loss">Mean −log σ(r_w − r_l).</param>
/// <param name="ChosenGradient">∂L/∂r_w per pair.</param>
/// <param name="RejectedGradient">∂L/∂r_l per pair.</param>
public sealed record BradleyTerryResult(double Loss, float[] ChosenGradient, float[] RejectedGradient);

/// <summary>
/// The Bradley–Terry preference model (Bradley &amp; Terry 1952; the reward-model loss of Ouyang et al. 2022):
/// P(y_w ≻ y_l) = σ(r(y_w) − r(y_l)), fitted by minimising −log σ(r_w − r_l); ∂/∂r_w = −σ(−(r_w − r_l))/n.
/// </summary>
public static class BradleyTerry
{
    /// <summary>Mean −log σ(r_w − r_l) over pairs, and its gradient.</summary>
    public static BradleyTerryResult Loss(ReadOnlySpan<float> chosenRewards, ReadOnlySpan<float> rejectedRewards)
    {
        int n = chosenRewards.Length;
        if (rejectedRewards.Length != n || n == 0) throw new ArgumentException($"BradleyTerry: {n} chosen and {rejectedRewards.Length} rejected rewards.");
        var chosen = new float[n];
        var rejected = new float[n];
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double margin = (double)chosenRewards[i] - rejectedRewards[i];
            loss += LossOf(margin);
            double g = -Logistic.Sigmoid(-margin) / n;
            chosen[i] = (float)g;
            rejected[i] = (float)-g;
        }
        return new BradleyTerryResult(loss / n, chosen, rejected);
    }

    /// <summary>−log σ(margin) for one pair.</summary>
    public static double LossOf(double margin) => Logistic.NegativeLogSigmoid(margin);
}
