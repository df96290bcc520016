using System.Globalization;
using System.Text.Json.Nodes;
using static AsyncRL.Deploy.Tests.Support.Manifests;

namespace AsyncRL.Deploy.Tests.Support;

/// <summary>
/// What the kubelet would give one rendered container, made on this machine: each volume a folder (ConfigMaps
/// written out, Secrets from the test's own values, claims and emptyDirs empty), the container's paths in its
/// arguments moved into those folders, and its variables resolved.
/// </summary>
internal sealed class LocalPod
{
    private readonly List<(string MountPath, string Local)> _mounts = [];

    private LocalPod(string name) => Name = name;

    public string Name { get; }

    public IReadOnlyList<string> Args { get; private set; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    /// <summary>The user to run as and the folders it may write: everything else is read-only, as with readOnlyRootFilesystem.</summary>
    public ContainerSecurity Security { get; private set; } = null!;

    /// <param name="imageEnvironment">What the image sets (the pod's variables win over it).</param>
    /// <param name="secrets">Values of Secret keys, as <c>NAME/KEY</c>.</param>
    /// <param name="podIp">The pod's address, for variables from the downward API's <c>status.podIP</c>.</param>
    public static async Task<LocalPod> PrepareAsync(Manifests manifests, Pod pod, string podName, string root,
        IReadOnlyDictionary<string, string> imageEnvironment, IReadOnlyDictionary<string, string> secrets, string? podIp = null)
    {
        var local = new LocalPod(podName);
        var podSecurity = pod.Spec["securityContext"];
        var security = pod.Container["securityContext"];
        int Id(string field, int? fallback) => int.Parse(Str(security?[field]) ?? Str(podSecurity?[field]) ?? fallback?.ToString(CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"{pod.Describe}: no {field}"), CultureInfo.InvariantCulture);
        int uid = Id("runAsUser", null), gid = Id("runAsGroup", uid), fsGroup = Id("fsGroup", gid);
        if (Str(security?["readOnlyRootFilesystem"]) != "true") throw new NotSupportedException($"{pod.Describe}: the rehearsal runs read-only containers only");
        var writable = new List<string>();
        foreach (var mount in Items(pod.Container["volumeMounts"]))
        {
            string mountPath = Str(mount["mountPath"])!;
            var (_, volume) = pod.MountOf(mountPath)!.Value;
            string dir = Directory.CreateDirectory(Path.Combine(root, podName, Str(mount["name"])!)).FullName;
            if (Str(volume["configMap"]?["name"]) is { } cm)
            {
                foreach (var (key, value) in manifests.Get("ConfigMap", cm)["data"] as JsonObject ?? [])
                    File.WriteAllText(Path.Combine(dir, key), Str(value));
            }
            else if (volume["secret"] is { } secret)
            {
                // The Secret is the operator's: its keys come from the test, all of them or the items the volume picks.
                string name = Str(secret["secretName"])!;
                var items = Items(secret["items"]).Select(i => (Key: Str(i["key"])!, Path: Str(i["path"])!)).ToList();
                if (items.Count == 0)
                    items = [.. secrets.Keys.Where(k => k.StartsWith(name + "/", StringComparison.Ordinal)).Select(k => (k[(name.Length + 1)..], k[(name.Length + 1)..]))];
                foreach (var (key, path) in items)
                    File.WriteAllText(Path.Combine(dir, path), secrets.TryGetValue($"{name}/{key}", out var value) ? value : throw new InvalidOperationException($"{pod.Describe}: the test has no value for Secret {name} key {key}"));
            }
            else if (Str(mount["readOnly"]) != "true")
            {
                // An emptyDir or claim: the pod's user owns it (fsGroup), and it stays writable on the read-only root.
                var chown = await Tool.RunAsync("chown", ["-R", $"{uid}:{fsGroup}", dir], TimeSpan.FromSeconds(30));
                if (chown.ExitCode != 0) throw new InvalidOperationException(chown.Describe("chown"));
                writable.Add(dir);
            }
            local._mounts.Add((mountPath.TrimEnd('/'), dir));
        }
        local.Security = new ContainerSecurity(uid, gid, writable);
        local.Args = [.. pod.Args.Select(a => a.StartsWith('/') ? local.Local(a) : a)];
        var environment = new Dictionary<string, string>(imageEnvironment)
        {
            // The image's home is on its read-only root: an empty folder nobody may write stands for it.
            ["HOME"] = Directory.CreateDirectory(Path.Combine(root, podName, "home")).FullName,
        };
        if (local._mounts.Any(m => m.MountPath == "/tmp")) environment["TMPDIR"] = local.Local("/tmp");
        foreach (var (name, value) in pod.Environment())
        {
            environment[name] = value switch
            {
                { Value: { } v } => v,
                { Source: "field metadata.name" } => podName,
                { Source: "field status.podIP" } when podIp is not null => podIp,
                { Source: var s } when s.StartsWith("Secret ", StringComparison.Ordinal) => secrets[s["Secret ".Length..].Replace(" key ", "/", StringComparison.Ordinal)],
                { Source: var s } => throw new NotSupportedException($"{pod.Describe}: {name} from {s}"),
            };
        }
        local.Environment = environment;
        return local;
    }

    /// <summary>Where a path inside the container lives here; a path on no volume would be in the read-only image.</summary>
    public string Local(string containerPath)
    {
        var (mountPath, dir) = _mounts.Where(m => containerPath == m.MountPath || containerPath.StartsWith(m.MountPath + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.MountPath.Length)
            .Select(m => ((string, string)?)m)
            .FirstOrDefault() ?? throw new InvalidOperationException($"{Name}: {containerPath} is on no volume");
        return dir + containerPath[mountPath.Length..];
    }
}
