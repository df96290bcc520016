using System.Security.Cryptography;
using System.Text.Json;
using AsyncRL.Models.Checkpoints;

namespace AsyncRL.Models.Tests.Checkpoints;

public sealed class CheckpointStoreTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _run = new();
    private readonly ManualTimeProvider _clock = new(s_start);

    public void Dispose() => _run.Dispose();

    private CheckpointStore NewStore(int keepLast = 3) => new(Path.Combine(_run.Path, "checkpoints"), keepLast, _clock);

    private static Dictionary<string, Tensor> Model(float value) => new()
    {
        ["fc1.weight"] = Tensor.Full(value, 4, 3),
        ["fc1.bias"] = Tensor.Full(-value, 4),
    };

    [Fact]
    public void SaveThenTryLoadLatest_ModelOptimizerAndMetadata_RoundTrip()
    {
        var store = NewStore();
        var optimizer = new Dictionary<string, Tensor> { ["fc1.weight.exp_avg"] = Tensor.Full(0.5f, 4, 3) };
        var metadata = new Dictionary<string, string> { ["rng"] = "[1,2,3,4,0,0]", ["PolicyVersion"] = "17" };

        store.Save(100, Model(1f), optimizer, metadata);
        var checkpoint = store.TryLoadLatest();

        Assert.NotNull(checkpoint);
        Assert.Equal(100, checkpoint.Step);
        Assert.Equal(Model(1f)["fc1.weight"].ToArray(), checkpoint.Model.Tensors["fc1.weight"].ToArray());
        Assert.Equal(0.5f, checkpoint.Optimizer!.Tensors["fc1.weight.exp_avg"][0, 0]);
        Assert.Equal(metadata, checkpoint.Metadata);
        Assert.Equal(s_start, checkpoint.Manifest.CreatedAt);
    }

    [Fact]
    public void Save_WritesManifestWithSizesChecksumsAndInjectedTime()
    {
        var store = NewStore();

        store.Save(7, Model(2f));

        var dir = store.DirectoryFor(7);
        Assert.Equal(["manifest.json", "model.safetensors"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "manifest.json")));
        var root = manifest.RootElement;
        Assert.Equal(1, root.GetProperty("format_version").GetInt32());
        Assert.Equal(7, root.GetProperty("step").GetInt64());
        Assert.Equal(s_start, root.GetProperty("created_at").GetDateTimeOffset());
        var file = Assert.Single(root.GetProperty("files").EnumerateArray());
        var bytes = File.ReadAllBytes(Path.Combine(dir, "model.safetensors"));
        Assert.Equal("model.safetensors", file.GetProperty("name").GetString());
        Assert.Equal(bytes.Length, file.GetProperty("bytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.GetProperty("sha256").GetString());
        Assert.Null(store.TryLoadLatest()!.Optimizer);
    }

    [Fact]
    public void Save_MovesTheLatestPointer()
    {
        var store = NewStore();

        store.Save(10, Model(1f));
        store.Save(20, Model(2f));

        Assert.Equal(20, store.LatestStep());
        Assert.Equal("step-0000000020", File.ReadAllText(Path.Combine(store.Root, "latest")).Trim());
        Assert.Equal(2f, store.TryLoadLatest()!.Model.Tensors["fc1.weight"][0, 0]);
    }

    [Fact]
    public void TryLoadLatest_NoCheckpoints_ReturnsNull()
    {
        var problems = new List<string>();

        Assert.Null(NewStore().TryLoadLatest(problems));
        Assert.Empty(problems);
    }

    [Fact]
    public void TryLoadLatest_LatestFileCorrupt_FallsBackToThePreviousCheckpoint()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        store.Save(20, Model(2f));
        var model = Path.Combine(store.DirectoryFor(20), "model.safetensors");
        var bytes = File.ReadAllBytes(model);
        bytes[^1] ^= 0x40; // one bit of one weight: only the checksum can tell
        File.WriteAllBytes(model, bytes);
        var problems = new List<string>();

        var checkpoint = store.TryLoadLatest(problems);

        Assert.Equal(10, checkpoint!.Step);
        Assert.Equal(1f, checkpoint.Model.Tensors["fc1.weight"][0, 0]);
        var problem = Assert.Single(problems);
        Assert.Contains("step-0000000020", problem, StringComparison.Ordinal);
        Assert.Contains("SHA-256", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("manifest.json")]
    [InlineData("model.safetensors")]
    public void TryLoadLatest_LatestMissingAFile_FallsBack(string missing)
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        store.Save(20, Model(2f));
        File.Delete(Path.Combine(store.DirectoryFor(20), missing));
        var problems = new List<string>();

        Assert.Equal(10, store.TryLoadLatest(problems)!.Step);
        Assert.Contains(missing, Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoadLatest_ManifestGarbled_FallsBack()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        store.Save(20, Model(2f));
        File.WriteAllText(Path.Combine(store.DirectoryFor(20), "manifest.json"), "{\"format_version\":1,\"step\":");

        Assert.Equal(10, store.TryLoadLatest()!.Step);
    }

    [Fact]
    public void TryLoadLatest_PointedDirectoryDeleted_FallsBack()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        store.Save(20, Model(2f));
        Directory.Delete(store.DirectoryFor(20), recursive: true);
        var problems = new List<string>();

        Assert.Equal(10, store.TryLoadLatest(problems)!.Step);
        Assert.Contains("does not exist", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoadLatest_PointerMissing_UsesTheNewestCompleteCheckpoint()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        store.Save(20, Model(2f));
        File.Delete(Path.Combine(store.Root, "latest"));

        Assert.Null(store.LatestStep());
        Assert.Equal(20, store.TryLoadLatest()!.Step);
    }

    [Fact]
    public void TryLoadLatest_DirectoryNewerThanPointer_IsIgnoredAsUncommitted()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        store.Save(20, Model(2f));
        File.WriteAllText(Path.Combine(store.Root, "latest"), "step-0000000010\n"); // as if the save of 20 died before committing

        Assert.Equal(10, store.TryLoadLatest()!.Step);
    }

    [Fact]
    public void TryLoadLatest_EveryCheckpointCorrupt_ReturnsNullAndReportsEach()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        store.Save(20, Model(2f));
        foreach (var step in store.Steps()) File.WriteAllText(Path.Combine(store.DirectoryFor(step), "model.safetensors"), "junk");
        var problems = new List<string>();

        Assert.Null(store.TryLoadLatest(problems));
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Save_BeyondKeepLast_DeletesTheOldest()
    {
        var store = NewStore(keepLast: 2);

        foreach (var step in new long[] { 1, 2, 3, 4 }) store.Save(step, Model(step));

        Assert.Equal([3L, 4L], store.Steps());
        Assert.Equal(4, store.TryLoadLatest()!.Step);
    }

    [Fact]
    public void Save_EarlierStepAfterRestore_DiscardsTheAbandonedLaterCheckpoints()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        store.Save(20, Model(2f));

        store.Save(15, Model(3f));

        Assert.Equal([10L, 15L], store.Steps());
        Assert.Equal(15, store.TryLoadLatest()!.Step);
    }

    [Fact]
    public void Save_SameStepTwice_ReplacesIt()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        _clock.Now = s_start.AddMinutes(5);

        store.Save(10, Model(9f));

        var checkpoint = store.TryLoadLatest()!;
        Assert.Equal(9f, checkpoint.Model.Tensors["fc1.weight"][0, 0]);
        Assert.Equal(s_start.AddMinutes(5), checkpoint.Manifest.CreatedAt);
    }

    [Fact]
    public void Save_FailureMidWrite_LeavesThePreviousCheckpointInForceAndNoDebris()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        Tensor released;
        using (DisposeScope.Begin()) released = Tensor.Ones(8); // its storage is gone once the scope ends
        var broken = new Dictionary<string, Tensor> { ["a"] = Tensor.Ones(8), ["b"] = released };

        Assert.Throws<ObjectDisposedException>(() => store.Save(20, broken));

        Assert.Equal(10, store.LatestStep());
        Assert.Equal(10, store.TryLoadLatest()!.Step);
        Assert.Equal(["latest", "step-0000000010"], Directory.EnumerateFileSystemEntries(store.Root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Save_LeftoverTemporaryDirectoryFromACrash_IsRemoved()
    {
        var store = NewStore();
        var debris = Path.Combine(store.Root, ".tmp-step-0000000005-dead");
        Directory.CreateDirectory(debris);
        File.WriteAllText(Path.Combine(debris, "model.safetensors"), "half");

        store.Save(10, Model(1f));

        Assert.False(Directory.Exists(debris));
    }

    [Fact]
    public void Load_ManifestNamingAFileOutsideTheCheckpoint_IsRejected()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        var manifestPath = Path.Combine(store.DirectoryFor(10), "manifest.json");
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("\"model.safetensors\"", "\"../../model.safetensors\"", StringComparison.Ordinal));

        var ex = Assert.Throws<CheckpointFormatException>(() => store.Load(10));

        Assert.Contains("invalid file name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestOfAnotherStep_IsRejected()
    {
        var store = NewStore();
        store.Save(10, Model(1f));
        Directory.Move(store.DirectoryFor(10), store.DirectoryFor(11));

        var ex = Assert.Throws<CheckpointFormatException>(() => store.Load(11));

        Assert.Contains("says step 10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_KeepLastBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointStore(_run.Path, keepLast: 0));
    }
}
