using System.Text.Json.Serialization;

namespace AsyncRL.Models.Engine;

/// <summary>Which tensor engine runs a learner's networks, losses and optimizer (config.json writes its flag value).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelBackend>))]
public enum ModelBackend
{
    /// <summary>Our own float32 engine (<c>AsyncRL.Models</c>): no native dependency, lowest per-op overhead.</summary>
    [JsonStringEnumMemberName("managed")]
    Managed,

    /// <summary>libtorch through TorchSharp (<c>AsyncRL.Models.Torch</c>): CPU or CUDA.</summary>
    [JsonStringEnumMemberName("torch")]
    Torch,
}

/// <summary>
/// The engine choice of one learner: backend and device. Parsed and checked at start, so a typo fails before any
/// work (whether CUDA is actually present is checked when the torch engine starts).
/// </summary>
/// <param name="Backend">Managed or torch.</param>
/// <param name="Device"><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; only the torch backend runs anywhere but the CPU.</param>
public sealed record ModelEngine(ModelBackend Backend = ModelBackend.Managed, string Device = "cpu")
{
    /// <summary>Our engine on the CPU.</summary>
    public static ModelEngine Managed { get; } = new();

    /// <summary>TorchSharp on the CPU.</summary>
    public static ModelEngine TorchCpu { get; } = new(ModelBackend.Torch);

    /// <summary>Parses <c>torch</c> or <c>managed</c>.</summary>
    public static ModelBackend ParseBackend(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "managed" => ModelBackend.Managed,
        "torch" => ModelBackend.Torch,
        _ => throw new ArgumentException($"Unknown backend '{text}': expected torch or managed."),
    };

    /// <summary>Whether <paramref name="device"/> names a device we know: cpu, cuda or cuda:N.</summary>
    public static bool IsKnownDevice(string device) =>
        device is "cpu" or "cuda" || (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out int n) && n >= 0);

    /// <summary>Throws with the reason when the device is unknown, or not the CPU on the managed backend.</summary>
    public ModelEngine Validate()
    {
        if (!IsKnownDevice(Device)) throw new ArgumentException($"Unknown device '{Device}': expected cpu, cuda or cuda:N.");
        if (Backend == ModelBackend.Managed && Device != "cpu")
            throw new ArgumentException($"Device '{Device}' needs --backend torch: the managed engine runs on the CPU only.");
        return this;
    }

    /// <summary>The engine as config.json and logs show it, e.g. <c>torch/cpu</c>.</summary>
    public override string ToString() => $"{Backend.ToString().ToLowerInvariant()}/{Device}";
}
