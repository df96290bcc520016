using System.Text.Json.Serialization;
using AsyncRL.Algorithms.Ppo;

namespace AsyncRL.Learner;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LearnerRunSummary))]
[JsonSerializable(typeof(PpoOptions))]
[JsonSerializable(typeof(double[]))]
internal sealed partial class LearnerJsonContext : JsonSerializerContext;
