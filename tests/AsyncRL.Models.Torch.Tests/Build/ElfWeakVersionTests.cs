using System.Reflection;
using AsyncRL.Build;

namespace AsyncRL.Models.Torch.Tests.Build;

/// <summary>The build's ELF patch, on copies of the package's own libLibTorchSharp.so.</summary>
public sealed class ElfWeakVersionTests : IDisposable
{
    private const string Library = "libstdc++.so.6";
    private const string Version = "GLIBCXX_3.4.32";
    private readonly string _dir = Directory.CreateTempSubdirectory("elf-weak-").FullName;

    private static string Unpatched => typeof(ElfWeakVersionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "UnpatchedLibTorchSharp").Value!;

    private string CopyOfPackageLibrary()
    {
        string path = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(Unpatched, path, overwrite: true);
        return path;
    }

    [Fact]
    public void MakeWeak_PackageLibrary_SetsOnlyTheWeakBitOfThatRequirement()
    {
        string path = CopyOfPackageLibrary();
        byte[] before = File.ReadAllBytes(path);
        Assert.Contains(ElfVersionPatcher.Requirements(before), r => r.Library == Library && r.Version == Version && (r.Flags & 2) == 0);

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatcher.MakeWeak(path, Library, Version));

        byte[] after = File.ReadAllBytes(path);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        Assert.Single(changed); // 0x0000 → 0x0002 in one little-endian vna_flags
        Assert.Equal(2, after[changed[0]] - before[changed[0]]);
        var requirements = ElfVersionPatcher.Requirements(after);
        Assert.Contains(requirements, r => r.Library == Library && r.Version == Version && (r.Flags & 2) != 0);
        Assert.All(requirements.Where(r => r.Version != Version), r => Assert.Contains(r, ElfVersionPatcher.Requirements(before)));
    }

    [Fact]
    public void MakeWeak_Twice_SecondCallLeavesTheFileAlone()
    {
        string path = CopyOfPackageLibrary();
        ElfVersionPatcher.MakeWeak(path, Library, Version);
        byte[] once = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);

        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionPatcher.MakeWeak(path, Library, Version));

        Assert.Equal(once, File.ReadAllBytes(path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void MakeWeak_VersionNotRequired_LeavesTheFileAlone()
    {
        string path = CopyOfPackageLibrary();
        byte[] before = File.ReadAllBytes(path);

        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionPatcher.MakeWeak(path, Library, "GLIBCXX_9.9.99"));

        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void MakeWeak_KeepsTheFileMode()
    {
        if (!OperatingSystem.IsLinux()) return;
        string path = CopyOfPackageLibrary();
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead;
        File.SetUnixFileMode(path, mode);

        ElfVersionPatcher.MakeWeak(path, Library, Version);

        Assert.Equal(mode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Defines_SystemLibstdcxx_KnowsItsOwnVersions()
    {
        string? system = ElfVersionPatcher.FindSystemLibrary(Library);
        if (system is null) return; // not a glibc system: nothing to check against
        byte[] elf = File.ReadAllBytes(system);

        Assert.True(ElfVersionPatcher.Defines(elf, "GLIBCXX_3.4"));
        Assert.False(ElfVersionPatcher.Defines(elf, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void BuildOutput_LibraryBesideTheTests_IsWeakExactlyWhenTheSystemLacksTheVersion()
    {
        if (!OperatingSystem.IsLinux()) return;
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string? system = ElfVersionPatcher.FindSystemLibrary(Library);
        Assert.True(File.Exists(output), $"the build copied no {output}");
        bool lacks = system is null || !ElfVersionPatcher.Defines(File.ReadAllBytes(system), Version);

        var requirement = ElfVersionPatcher.Requirements(File.ReadAllBytes(output)).Single(r => r.Library == Library && r.Version == Version);

        Assert.Equal(lacks, (requirement.Flags & 2) != 0);
        if (!lacks) Assert.Equal(File.ReadAllBytes(Unpatched), File.ReadAllBytes(output));
    }

    [Fact]
    public void MakeWeak_NotElf_Throws()
    {
        string path = Path.Combine(_dir, "text.so");
        File.WriteAllText(path, "not an ELF file at all, just some text to fill sixty-four bytes of header...");
        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MakeWeak(path, Library, Version));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
