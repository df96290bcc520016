namespace AsyncRL.Algorithms.Language;

/// <summary>
/// The Bradley–Terry preference model (Bradley &amp; Terry 1952; the reward-model loss of Ouyang et al. 2022):
/// P(y_w ≻ y_l) = σ(r(y_w) − r(y_l)), fitted by minimising −log σ(r_w − r_l).
/// </summary>
public static class BradleyTerry
{
    /// <summary>Mean −log σ(r_w − r_l) over pairs, [rows] rewards each.</summary>
    public static Tensor Loss(Tensor chosenRewards, Tensor rejectedRewards)
    {
        ArgumentNullException.ThrowIfNull(chosenRewards);
        ArgumentNullException.ThrowIfNull(rejectedRewards);
        return -(chosenRewards - rejectedRewards).LogSigmoid().Mean();
    }

    /// <summary>−log σ(margin) for one pair, in double precision (for checks).</summary>
    public static double LossOf(double margin) => margin >= 0 ? Math.Log(1 + Math.Exp(-margin)) : -margin + Math.Log(1 + Math.Exp(margin));
}
