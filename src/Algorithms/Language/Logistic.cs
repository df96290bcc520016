namespace AsyncRL.Algorithms.Language;

/// <summary>The logistic function and its log, in double precision and stable for large |x|.</summary>
public static class Logistic
{
    /// <summary>σ(x) = 1 / (1 + e^−x).</summary>
    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>−log σ(x) = log(1 + e^−x) (softplus of −x).</summary>
    public static double NegativeLogSigmoid(double x) => x >= 0 ? Math.Log(1 + Math.Exp(-x)) : -x + Math.Log(1 + Math.Exp(x));
}
