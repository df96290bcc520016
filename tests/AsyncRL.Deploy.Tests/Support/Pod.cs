using System.Text.Json.Nodes;
using static AsyncRL.Deploy.Tests.Support.Manifests;

namespace AsyncRL.Deploy.Tests.Support;

/// <summary>One container of a rendered pod template, with what the kubelet would give it: variables, ports, mounts.</summary>
internal sealed class Pod(Manifests manifests, JsonObject workload, JsonObject template, JsonObject container)
{
    public JsonObject Workload { get; } = workload;

    public JsonObject Container { get; } = container;

    public JsonObject Spec => (JsonObject)template["spec"]!;

    public string Describe => $"{manifests.Overlay}: {Str(Workload["kind"])} {Name(Workload)}, container {ContainerName}";

    public string ContainerName => Str(Container["name"]) ?? "";

    public string Image => Str(Container["image"]) ?? "";

    public IReadOnlyDictionary<string, string> Labels => Manifests.Labels(template["metadata"]?["labels"]);

    public IReadOnlyList<string> Args => [.. (Container["args"] as JsonArray ?? []).Select(a => Str(a) ?? "")];

    /// <summary>Whether this container runs our image (its repository's last segment is <c>asyncrl</c>).</summary>
    public bool IsAsyncRl => Image.Split('/')[^1].Split(':')[0] == "asyncrl";

    /// <summary>The subcommand the container runs (its first argument).</summary>
    public string Subcommand => Args.Count > 0 ? Args[0] : "";

    /// <summary>Every container of every workload the overlay renders.</summary>
    public static IEnumerable<Pod> All(Manifests manifests) =>
        manifests.PodTemplates().SelectMany(w => Items(w.Template["spec"]!["containers"]).Select(c => new Pod(manifests, w.Workload, w.Template, c)));

    /// <summary>The value after <paramref name="flag"/> in the arguments (also <c>--flag=value</c>).</summary>
    public string? Arg(string flag)
    {
        for (int i = 0; i < Args.Count; i++)
        {
            if (Args[i] == flag && i + 1 < Args.Count) return Args[i + 1];
            if (Args[i].StartsWith(flag + "=", StringComparison.Ordinal)) return Args[i][(flag.Length + 1)..];
        }
        return null;
    }

    /// <summary>The container port called <paramref name="name"/>.</summary>
    public int? Port(string name) =>
        Items(Container["ports"]).Where(p => Str(p["name"]) == name).Select(p => (int?)int.Parse(Str(p["containerPort"])!, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();

    /// <summary>
    /// The container's variables: literal values, keys of referenced ConfigMaps (rendered), and a marker for values
    /// from Secrets (not rendered: created by the operator) and the downward API.
    /// </summary>
    public IReadOnlyDictionary<string, EnvValue> Environment()
    {
        var env = new Dictionary<string, EnvValue>(StringComparer.Ordinal);
        foreach (var from in Items(Container["envFrom"]))
        {
            if (Str(from["configMapRef"]?["name"]) is { } cm)
                foreach (var (key, value) in manifests.Get("ConfigMap", cm)["data"] as JsonObject ?? [])
                    env[key] = new EnvValue(Str(value), $"ConfigMap {cm}");
            if (Str(from["secretRef"]?["name"]) is { } secret)
                throw new Xunit.Sdk.XunitException($"{Describe}: envFrom a whole Secret ({secret}) hides which variables it sets.");
        }
        foreach (var e in Items(Container["env"]))
        {
            string name = Str(e["name"])!;
            var from = e["valueFrom"];
            env[name] = from switch
            {
                null => new EnvValue(Str(e["value"]) ?? "", "value"),
                _ when from["secretKeyRef"] is { } s => new EnvValue(null, $"Secret {Str(s["name"])} key {Str(s["key"])}"),
                _ when from["configMapKeyRef"] is { } c => new EnvValue(Str(manifests.Get("ConfigMap", Str(c["name"])!)["data"]?[Str(c["key"])!]), $"ConfigMap {Str(c["name"])}"),
                _ when from["fieldRef"] is { } f => new EnvValue(null, $"field {Str(f["fieldPath"])}"),
                _ => new EnvValue(null, "valueFrom"),
            };
        }
        return env;
    }

    /// <summary>The mount whose path holds <paramref name="path"/> (the longest), with its volume.</summary>
    public (JsonObject Mount, JsonObject Volume)? MountOf(string path)
    {
        var mount = Items(Container["volumeMounts"])
            .Where(m => Str(m["mountPath"]) is { } mp && (path == mp || path.StartsWith(mp.TrimEnd('/') + "/", StringComparison.Ordinal)))
            .OrderByDescending(m => Str(m["mountPath"])!.Length)
            .FirstOrDefault();
        if (mount is null) return null;
        string volumeName = Str(mount["name"])!;
        var volume = Items(Spec["volumes"]).FirstOrDefault(v => Str(v["name"]) == volumeName)
            ?? Items(Workload["spec"]?["volumeClaimTemplates"]).Where(t => Name(t) == volumeName).Select(t => new JsonObject { ["name"] = volumeName, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = volumeName } }).FirstOrDefault();
        return volume is null ? throw new Xunit.Sdk.XunitException($"{Describe}: mount {volumeName} names no volume.") : (mount, volume);
    }
}

/// <summary>A variable's value where the manifests fix it (null: from a Secret or the downward API), and where it comes from.</summary>
internal sealed record EnvValue(string? Value, string Source);
