namespace AsyncRL.Algorithms.Dpo;

/// <summary>
/// The DPO loss (Rafailov et al. 2023), used online as in Guo et al. 2024 and Noukhovitch et al. 2025:
/// L = −log σ(β[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))]), averaged over the pairs that
/// count (weight 1; pairs the reward cannot order have weight 0).
/// </summary>
public static class DpoLoss
{
    /// <summary>The loss and the margins β·h per pair (h = the bracket above).</summary>
    /// <param name="policyChosen">log π_θ(y_w | x), [pairs], with gradients.</param>
    /// <param name="policyRejected">log π_θ(y_l | x), [pairs], with gradients.</param>
    /// <param name="referenceChosen">log π_ref(y_w | x), [pairs].</param>
    /// <param name="referenceRejected">log π_ref(y_l | x), [pairs].</param>
    /// <param name="beta">β, the strength of the implicit KL constraint.</param>
    /// <param name="weights">Per-pair weight (null: all 1).</param>
    public static (Tensor Loss, float[] Margins) Compute(Tensor policyChosen, Tensor policyRejected, float[] referenceChosen, float[] referenceRejected,
        float beta, float[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(policyChosen);
        ArgumentNullException.ThrowIfNull(policyRejected);
        int n = policyChosen.Size;
        var reference = new float[n];
        for (int i = 0; i < n; i++) reference[i] = referenceChosen[i] - referenceRejected[i];
        var margin = (policyChosen - policyRejected - Tensor.FromArray(reference, n)) * beta;
        var w = weights ?? Enumerable.Repeat(1f, n).ToArray();
        float count = Math.Max(1f, w.Sum());
        var loss = -(margin.LogSigmoid() * Tensor.FromArray(w, n)).Sum() / count;
        return (loss, margin.ToArray());
    }
}
