// Compiled by MSBuild's RoslynCodeTaskFactory (build/LibTorchSharp.targets) and by the patcher's tests, so it
// keeps to the netstandard API the task factory compiles against.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;

namespace AsyncRL.Build;

/// <summary>
/// Marks one symbol-version requirement of an ELF library weak (VER_FLG_WEAK in its Vernaux entry), so the dynamic
/// loader accepts a system library that lacks the version. TorchSharp's libLibTorchSharp.so asks libstdc++ for
/// GLIBCXX_3.4.32 for one link-time anchor no relocation uses; Debian 12's libstdc++ stops at 3.4.30.
/// </summary>
public sealed class WeakenElfVersion : Microsoft.Build.Utilities.Task
{
    /// <summary>The libraries to patch; files that do not exist are left alone.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The needed library whose version is made weak.</summary>
    public string Library { get; set; } = "libstdc++.so.6";

    /// <summary>The version made weak.</summary>
    public string Version { get; set; } = "GLIBCXX_3.4.32";

    public override bool Execute()
    {
        string? system = ElfVersionPatcher.FindSystemLibrary(Library);
        if (system != null && ElfVersionPatcher.Defines(File.ReadAllBytes(system), Version))
        {
            Log.LogMessage(MessageImportance.Low, "{0} defines {1}: nothing to patch.", system, Version);
            return true;
        }
        foreach (var item in Files)
        {
            if (!File.Exists(item.ItemSpec)) continue;
            var outcome = ElfVersionPatcher.MakeWeak(item.ItemSpec, Library, Version);
            Log.LogMessage(MessageImportance.Normal, "{0}: {1} {2} {3}.", item.ItemSpec, Library, Version, outcome);
        }
        return !Log.HasLoggedErrors;
    }
}

/// <summary>What <see cref="ElfVersionPatcher.MakeWeak"/> found.</summary>
public enum ElfPatchOutcome
{
    /// <summary>The requirement was strong and is now weak.</summary>
    Patched,

    /// <summary>The requirement was already weak: the file is untouched.</summary>
    AlreadyWeak,

    /// <summary>The file does not require that version: untouched.</summary>
    NotRequired,
}

/// <summary>Reads and edits the GNU symbol-versioning sections of 64-bit little-endian ELF files.</summary>
public static class ElfVersionPatcher
{
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Where the dynamic loader usually finds system libraries (Debian multiarch first).</summary>
    private static readonly string[] LibraryDirectories =
    {
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib",
    };

    /// <summary>The first system copy of <paramref name="soname"/>, or null.</summary>
    public static string? FindSystemLibrary(string soname)
    {
        foreach (var dir in LibraryDirectories)
        {
            string path = Path.Combine(dir, soname);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Whether the library defines (exports) the symbol version <paramref name="version"/>.</summary>
    public static bool Defines(byte[] elf, string version)
    {
        foreach (var section in Sections(elf, ShtGnuVerdef))
        {
            long at = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                ushort count = U16(elf, at + 6);
                long aux = at + U32(elf, at + 12);
                for (int j = 0; j < count; j++)
                {
                    if (String(elf, section.Strings, U32(elf, aux)) == version) return true;
                    aux += U32(elf, aux + 4);
                }
                uint next = U32(elf, at + 16);
                if (next == 0) break;
                at += next;
            }
        }
        return false;
    }

    /// <summary>The flags of every (library, version) requirement, in file order.</summary>
    public static IReadOnlyList<(string Library, string Version, ushort Flags)> Requirements(byte[] elf)
    {
        var result = new List<(string, string, ushort)>();
        foreach (var (library, version, flagsAt) in Vernaux(elf)) result.Add((library, version, U16(elf, flagsAt)));
        return result;
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on the requirement of <paramref name="version"/> from <paramref name="library"/>. The file is
    /// rewritten through a copy renamed into place, so a hard link into a package cache is never edited.
    /// </summary>
    public static ElfPatchOutcome MakeWeak(string path, string library, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        var outcome = MakeWeak(elf, library, version);
        if (outcome != ElfPatchOutcome.Patched) return outcome;
        string temp = path + ".weak-version.tmp";
        File.Copy(path, temp, overwrite: true); // keeps the file mode
        File.WriteAllBytes(temp, elf);
        // The original time lets MSBuild's incremental copy see the file as up to date, so it stays patched.
        File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(path));
        File.Delete(path);
        File.Move(temp, path);
        return outcome;
    }

    /// <summary>The same edit on bytes in memory.</summary>
    public static ElfPatchOutcome MakeWeak(byte[] elf, string library, string version)
    {
        var outcome = ElfPatchOutcome.NotRequired;
        foreach (var (lib, ver, flagsAt) in Vernaux(elf))
        {
            if (lib != library || ver != version) continue;
            ushort flags = U16(elf, flagsAt);
            if ((flags & VerFlgWeak) != 0)
            {
                if (outcome == ElfPatchOutcome.NotRequired) outcome = ElfPatchOutcome.AlreadyWeak;
                continue;
            }
            flags |= VerFlgWeak;
            elf[flagsAt] = (byte)flags;
            elf[flagsAt + 1] = (byte)(flags >> 8);
            outcome = ElfPatchOutcome.Patched;
        }
        return outcome;
    }

    /// <summary>Each Vernaux entry: the needed file, the version name and the offset of its vna_flags.</summary>
    private static IEnumerable<(string Library, string Version, long FlagsAt)> Vernaux(byte[] elf)
    {
        foreach (var section in Sections(elf, ShtGnuVerneed))
        {
            long at = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                ushort count = U16(elf, at + 2);
                string file = String(elf, section.Strings, U32(elf, at + 4));
                long aux = at + U32(elf, at + 8);
                for (int j = 0; j < count; j++)
                {
                    yield return (file, String(elf, section.Strings, U32(elf, aux + 8)), aux + 4);
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(elf, at + 12);
                if (next == 0) break;
                at += next;
            }
        }
    }

    private readonly struct Section
    {
        public Section(long offset, uint info, long strings) { Offset = offset; Info = info; Strings = strings; }
        public long Offset { get; }
        public uint Info { get; }
        public long Strings { get; }
    }

    /// <summary>Sections of the given type, with the file offset of the string table they link to.</summary>
    private static List<Section> Sections(byte[] elf, uint type)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("Not an ELF file.");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");
        long shoff = (long)U64(elf, 0x28);
        int entsize = U16(elf, 0x3a), count = U16(elf, 0x3c);
        var result = new List<Section>();
        for (int i = 0; i < count; i++)
        {
            long header = shoff + (long)i * entsize;
            if (U32(elf, header + 4) != type) continue;
            long link = shoff + (long)U32(elf, header + 40) * entsize;
            result.Add(new Section((long)U64(elf, header + 24), U32(elf, header + 44), (long)U64(elf, link + 24)));
        }
        return result;
    }

    private static string String(byte[] elf, long table, uint offset)
    {
        long start = table + offset, end = start;
        while (end < elf.Length && elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
    }

    private static ushort U16(byte[] b, long at) => checked((ushort)(b[at] | b[at + 1] << 8));

    private static uint U32(byte[] b, long at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);

    private static ulong U64(byte[] b, long at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
}
