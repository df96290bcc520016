using System.Text.Json.Serialization;
using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Her;
using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.Ppo;

namespace AsyncRL.Learner;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LearnerRunSummary))]
[JsonSerializable(typeof(PpoOptions))]
[JsonSerializable(typeof(DqnOptions))]
[JsonSerializable(typeof(HerOptions))]
[JsonSerializable(typeof(MaddpgOptions))]
[JsonSerializable(typeof(LanguageRlOptions))]
[JsonSerializable(typeof(double[]))]
internal sealed partial class LearnerJsonContext : JsonSerializerContext;
