namespace AsyncRL.Deploy.Tests.Support;

/// <summary>A theory over rendered overlays: skipped with the reason when kubectl is missing.</summary>
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (!Manifests.KubectlAvailable) Skip = Manifests.NoKubectl;
    }
}

/// <summary>A fact that needs kubectl.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (!Manifests.KubectlAvailable) Skip = Manifests.NoKubectl;
    }
}
