using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace AsyncRL.Deploy.Tests.Support;

/// <summary>The objects <c>kubectl kustomize</c> renders for an overlay, as JSON trees (every scalar a string).</summary>
internal sealed class Manifests
{
    private Manifests(string overlay, IReadOnlyList<JsonObject> objects) => (Overlay, Objects) = (overlay, objects);

    public string Overlay { get; }

    public IReadOnlyList<JsonObject> Objects { get; }

    public static bool KubectlAvailable => Tool.OnPath("kubectl");

    public const string NoKubectl = "kubectl not found on PATH (.ci/run installs it: apt-get install kubectl)";

    /// <summary>Renders deploy/k8s/<paramref name="overlay"/> (e.g. <c>overlays/dev</c>).</summary>
    public static async Task<Manifests> RenderAsync(string overlay)
    {
        var result = await Tool.RunAsync("kubectl", ["kustomize", Repo.Path("deploy", "k8s", overlay)], TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0) throw new InvalidOperationException(result.Describe($"kubectl kustomize {overlay}"));
        return Parse(overlay, result.StdOut);
    }

    public static Manifests Parse(string overlay, string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var objects = stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>().ToList();
        return new Manifests(overlay, objects);
    }

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => Str(o["kind"]) == kind);

    public JsonObject? Find(string kind, string name) => OfKind(kind).FirstOrDefault(o => Str(o["metadata"]?["name"]) == name);

    public JsonObject Get(string kind, string name) =>
        Find(kind, name) ?? throw new Xunit.Sdk.XunitException($"{Overlay}: no {kind} named {name} is rendered.");

    /// <summary>Every workload that runs pods: (object, its pod template).</summary>
    public IEnumerable<(JsonObject Workload, JsonObject Template)> PodTemplates() =>
        Objects.Where(o => Str(o["kind"]) is "Deployment" or "StatefulSet" or "DaemonSet" or "Job")
            .Select(o => (o, (JsonObject)o["spec"]!["template"]!));

    public static string Name(JsonNode? o) => Str(o?["metadata"]?["name"]) ?? "";

    public static string? Str(JsonNode? node) => node?.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : null;

    public static IEnumerable<JsonObject> Items(JsonNode? array) => (array as JsonArray ?? []).OfType<JsonObject>();

    public static IReadOnlyDictionary<string, string> Labels(JsonNode? labels) =>
        (labels as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => Str(kv.Value) ?? "");

    /// <summary>Whether every pair of <paramref name="selector"/> is among <paramref name="labels"/> (and the selector is not empty).</summary>
    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>
    /// The pairs of an equality-based label selector (<c>k=v,k2=v2</c>, as the Kubernetes API takes it in
    /// <c>labelSelector</c>); a set-based or negated term fails, since <see cref="Selects"/> could not judge it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LabelSelector(string selector)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var term in selector.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = term.Replace("==", "=", StringComparison.Ordinal).Split('=');
            if (parts.Length != 2 || parts[0].EndsWith('!') || parts[0].Contains(' ', StringComparison.Ordinal))
                throw new Xunit.Sdk.XunitException($"label selector '{selector}': '{term}' is not an equality term (key=value)");
            pairs[parts[0]] = parts[1];
        }
        return pairs;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => null,
    };
}
