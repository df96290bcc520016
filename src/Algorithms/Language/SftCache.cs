using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncRL.Environments.Language;
using AsyncRL.Models.Checkpoints;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// The SFT cache (<c>--sft-cache DIR</c>): one folder per set of inputs (task, its arguments, seed, model, SFT
/// and reward-model settings), named by a hash of them, holding <c>sft.safetensors</c>, <c>rm.safetensors</c>
/// (gold-rm) and <c>manifest.json</c>. A folder is written whole under a temporary name and renamed into place,
/// so concurrent runs never see half of one; the first to finish wins and the others keep theirs in memory.
/// </summary>
internal sealed class SftCache
{
    private const string SftFile = "sft.safetensors";
    private const string RewardFile = "rm.safetensors";
    private const string ManifestFile = "manifest.json";
    private readonly string _root;
    private readonly string _key;

    public SftCache(string root, string key, string env)
    {
        _root = Path.GetFullPath(root);
        _key = key;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        Folder = Path.Combine(_root, $"{env.ToLowerInvariant()}-{hash}");
    }

    /// <summary>Where these inputs' models live.</summary>
    public string Folder { get; }

    /// <summary>The cached models for these inputs, or null when there are none (or they do not match).</summary>
    public PreparedTask? TryLoad(ILanguageTask task, LanguagePreparationOptions options)
    {
        var manifestPath = Path.Combine(Folder, ManifestFile);
        if (!File.Exists(manifestPath)) return null;
        try
        {
            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
            if ((string?)manifest["key"] != _key) return null; // a hash collision, or a folder from another version
            var sft = new TinyGpt(options.Model.ConfigFor(task), new Generator(0));
            sft.LoadStateDict(SafeTensors.Load(Path.Combine(Folder, SftFile)).Tensors);
            sft.Eval();
            RewardModel? rm = null;
            if (task is GoldRmTask)
            {
                var file = SafeTensors.Load(Path.Combine(Folder, RewardFile));
                var model = new TinyGpt(options.Model.ConfigFor(task, scalarHead: true), new Generator(0));
                model.LoadStateDict(file.Tensors);
                model.Eval();
                rm = new RewardModel(model, Parse(file.Metadata["mean"]), Parse(file.Metadata["std"]));
            }
            return new PreparedTask(task, sft, rm, (double)manifest["sft_score"]!, (double?)manifest["rm_accuracy"], FromCache: true);
        }
        catch (Exception e) when (e is IOException or JsonException or CheckpointFormatException or ArgumentException or KeyNotFoundException
            or InvalidOperationException or NullReferenceException)
        {
            return null; // unreadable: train afresh (and replace it only if it is gone by then)
        }
    }

    /// <summary>Writes the prepared models under a temporary name, then renames the folder into place.</summary>
    public void Store(PreparedTask prepared)
    {
        try
        {
            Directory.CreateDirectory(_root);
            var temp = Path.Combine(_root, $".{Path.GetFileName(Folder)}.{Guid.NewGuid():N}.tmp");
            Directory.CreateDirectory(temp);
            try
            {
                SafeTensors.Save(Path.Combine(temp, SftFile), prepared.Sft.StateDict());
                if (prepared.ProxyReward is { } rm)
                {
                    SafeTensors.Save(Path.Combine(temp, RewardFile), rm.Model.StateDict(), new Dictionary<string, string>
                    {
                        ["mean"] = rm.Mean.ToString("R", CultureInfo.InvariantCulture),
                        ["std"] = rm.Std.ToString("R", CultureInfo.InvariantCulture),
                    });
                }
                var manifest = new JsonObject
                {
                    ["key"] = _key,
                    ["env"] = prepared.Task.Id,
                    ["sft_score"] = prepared.SftScore,
                    ["rm_accuracy"] = prepared.RewardModelAccuracy,
                };
                File.WriteAllText(Path.Combine(temp, ManifestFile), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
                if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true); // unreadable leftovers (TryLoad said no)
                Directory.Move(temp, Folder);
            }
            finally
            {
                if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another run stored the same models first, or the cache is not writable: this run keeps its own in memory.
        }
    }

    private static float Parse(string text) => float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
