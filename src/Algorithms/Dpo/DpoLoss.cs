using AsyncRL.Algorithms.Language;

namespace AsyncRL.Algorithms.Dpo;

/// <summary>The DPO loss of a batch of pairs, with its gradient with respect to the policy's sequence log-probabilities.</summary>
/// <param name="Loss">L.</param>
/// <param name="Margins">β·h per pair.</param>
/// <param name="ChosenGradient">∂L/∂log π_θ(y_w | x) per pair.</param>
/// <param name="RejectedGradient">∂L/∂log π_θ(y_l | x) per pair.</param>
public sealed record DpoLossResult(double Loss, float[] Margins, float[] ChosenGradient, float[] RejectedGradient);

/// <summary>
/// The DPO loss (Rafailov et al. 2023), used online as in Guo et al. 2024 and Noukhovitch et al. 2025:
/// L = −log σ(β[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))]), averaged over the pairs that
/// count (weight 1; pairs the reward cannot order have weight 0). ∂L/∂log π(y_w) = −β·w·σ(−βh)/n, and the
/// rejected side gets the opposite.
/// </summary>
public static class DpoLoss
{
    /// <summary>The loss, the margins β·h per pair (h = the bracket above) and the gradients.</summary>
    /// <param name="policyChosen">log π_θ(y_w | x), [pairs].</param>
    /// <param name="policyRejected">log π_θ(y_l | x), [pairs].</param>
    /// <param name="referenceChosen">log π_ref(y_w | x), [pairs].</param>
    /// <param name="referenceRejected">log π_ref(y_l | x), [pairs].</param>
    /// <param name="beta">β, the strength of the implicit KL constraint.</param>
    /// <param name="weights">Per-pair weight (null: all 1).</param>
    public static DpoLossResult Compute(ReadOnlySpan<float> policyChosen, ReadOnlySpan<float> policyRejected, ReadOnlySpan<float> referenceChosen,
        ReadOnlySpan<float> referenceRejected, float beta, float[]? weights = null)
    {
        int n = policyChosen.Length;
        if (policyRejected.Length != n || referenceChosen.Length != n || referenceRejected.Length != n || (weights is not null && weights.Length != n))
            throw new ArgumentException($"DpoLoss: {n} chosen log-probabilities do not match the rejected, reference or weight counts.");
        double count = Math.Max(1.0, weights?.Sum() ?? n);
        var margins = new float[n];
        var chosen = new float[n];
        var rejected = new float[n];
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double w = weights?[i] ?? 1.0;
            double m = beta * ((policyChosen[i] - policyRejected[i]) - ((double)referenceChosen[i] - referenceRejected[i]));
            margins[i] = (float)m;
            loss += w * Logistic.NegativeLogSigmoid(m);
            double g = -beta * w * Logistic.Sigmoid(-m) / count;
            chosen[i] = (float)g;
            rejected[i] = (float)-g;
        }
        return new DpoLossResult(loss / count, margins, chosen, rejected);
    }
}
