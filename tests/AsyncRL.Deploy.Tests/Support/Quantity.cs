using System.Globalization;

namespace AsyncRL.Deploy.Tests.Support;

/// <summary>Kubernetes resource quantities, as far as the manifests use them.</summary>
internal static class Quantity
{
    /// <summary>CPU in cores: <c>2</c>, <c>500m</c>.</summary>
    public static double Cpu(string text) => text.EndsWith('m')
        ? double.Parse(text[..^1], CultureInfo.InvariantCulture) / 1000
        : double.Parse(text, CultureInfo.InvariantCulture);
}
