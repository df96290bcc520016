using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// A learned reward model: a TinyGpt with a scalar head whose output at a completion's last token (its EOS, or
/// the last position when there is none) is the reward r(x, y). Scores come out normalised by the mean and
/// standard deviation measured on the SFT policy's samples after training, so a reward of 0 is "as good as SFT"
/// and the KL coefficient β means the same whatever scale the fit landed on.
/// </summary>
public sealed class RewardModel
{
    /// <summary>Wraps a trained model and its normalisation.</summary>
    public RewardModel(TinyGpt model, float mean, float std)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Config.ScalarHead) throw new ArgumentException("A reward model needs a TinyGpt with a scalar head.", nameof(model));
        if (!float.IsFinite(mean) || !(std > 0) || !float.IsFinite(std)) throw new ArgumentException($"Reward normalisation must be finite with a positive std, got mean {mean}, std {std}.");
        Model = model;
        Mean = mean;
        Std = std;
    }

    /// <summary>The network.</summary>
    public TinyGpt Model { get; }

    /// <summary>Mean raw reward of SFT samples.</summary>
    public float Mean { get; }

    /// <summary>Standard deviation of the raw rewards of SFT samples.</summary>
    public float Std { get; }

    /// <summary>Raw rewards r(x, y), [rows], with gradients: the scalar head read at each completion's last token.</summary>
    public static Tensor Raw(TinyGpt model, ReadOnlySpan<int> prompts, int promptLength, ReadOnlySpan<int> completions, ReadOnlySpan<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(model);
        int rows = lengths.Length;
        int tc = completions.Length / rows;
        int t = promptLength + tc;
        var input = new int[rows * t];
        var last = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            prompts.Slice(r * promptLength, promptLength).CopyTo(input.AsSpan(r * t));
            completions.Slice(r * tc, tc).CopyTo(input.AsSpan(r * t + promptLength));
            last[r] = promptLength + Math.Max(lengths[r], 1) - 1;
        }
        var (_, scalars) = model.ForwardWithScalar(input, rows);
        return scalars!.Gather(last, dim: -1);
    }

    /// <summary>Normalised rewards (r − mean) / std, without gradients.</summary>
    public float[] Score(ReadOnlySpan<int> prompts, int promptLength, ReadOnlySpan<int> completions, ReadOnlySpan<int> lengths)
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = DisposeScope.Begin();
        var raw = Raw(Model, prompts, promptLength, completions, lengths).ToArray();
        for (int i = 0; i < raw.Length; i++) raw[i] = (raw[i] - Mean) / Std;
        return raw;
    }
}
