using System.Globalization;

namespace AsyncRL.Algorithms.Language;

/// <summary>How the SFT policy (and for <c>gold-rm</c> the proxy reward model) is built before RL starts.</summary>
/// <param name="Model">The policy's shape (the reward model and value model share it).</param>
/// <param name="Sft">Supervised fine-tuning.</param>
/// <param name="RewardModel">The proxy reward model's fit (<c>gold-rm</c> only).</param>
/// <param name="Temperature">The sampling temperature of RL (the reward model is normalised on SFT samples at it).</param>
public sealed record LanguagePreparationOptions(LanguageModelOptions Model, SftOptions Sft, RewardModelOptions RewardModel, float Temperature = 0.7f)
{
    /// <summary>The defaults: see each options record.</summary>
    public static LanguagePreparationOptions Default { get; } = new(new LanguageModelOptions(), new SftOptions(), new RewardModelOptions());

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model);
        ArgumentNullException.ThrowIfNull(Sft);
        ArgumentNullException.ThrowIfNull(RewardModel);
        Model.Validate();
        Sft.Validate();
        RewardModel.Validate();
        if (!(Temperature > 0) || !float.IsFinite(Temperature)) throw new ArgumentException($"The sampling temperature must be positive, got {Temperature}.");
    }

    /// <summary>Everything the prepared models depend on, as one canonical line (the cache key's text).</summary>
    public string Describe(string env, IReadOnlyDictionary<string, string>? envArgs, ulong seed)
    {
        var c = CultureInfo.InvariantCulture;
        var args = string.Join(',', (envArgs ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        return string.Create(c, $"v1|env={env.ToLowerInvariant()}|args={args}|seed={seed}|{Model}|{Sft}|{RewardModel}|temperature={Temperature:R}");
    }
}
