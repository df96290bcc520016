using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using AsyncRL.Deploy.Tests.Support;
using AsyncRL.IntegrationTests.Otlp;
using AsyncRL.Tests.Support;
using Google.Protobuf;

namespace AsyncRL.Deploy.Tests;

/// <summary>A theory that needs root, iproute2, python3 and kubectl; skipped with the reason otherwise.</summary>
public sealed class NetnsTheoryAttribute : TheoryAttribute
{
    public NetnsTheoryAttribute()
    {
        if ((NetnsLab.SkipReason ?? (Manifests.KubectlAvailable ? null : Manifests.NoKubectl)) is { } reason) Skip = reason;
    }
}

/// <summary>
/// An overlay rehearsed on separate network hosts: the learner, two actor pods and a stand-in OTLP collector (in
/// the place of Jaeger or the cluster's collector) each in a network namespace of their own, joined only by a
/// bridge. Every process runs the published CLI with the arguments, variables and mounted files the rendered
/// manifests give it, as the pod's non-root user on a read-only root where only its volumes are writable, and finds
/// the others by the names the overlay uses. prod's TLS Secret holds a certificate
/// made here for the learner Service's name, signed by a CA made here. There is no Kubernetes API to bootstrap the
/// cluster from, so the nodes join it by seed node instead, at the learner's address (see <see cref="Clustered"/>);
/// everything else about the cluster (bind address, advertised pod IP, port) is the manifests'.
/// </summary>
public sealed class RehearsalTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(150);

    /// <summary>Rollout threads per actor pod here: prod asks for 4 per pod, more than two shared cores can run.</summary>
    private const int MaxActorsPerPod = 2;

    [NetnsTheory]
    [InlineData("overlays/dev")]
    [InlineData("overlays/prod")]
    public async Task Overlay_OnSeparateNetworkHosts_Trains_AndBothServicesTracesReachTheCollector(string overlay)
    {
        var m = await ManifestTests.RenderAsync(overlay);
        var ours = Pod.All(m).Where(p => p.IsAsyncRl).ToList();
        var learner = ours.Single(p => p.Subcommand == "learner");
        var actor = ours.Single(p => p.Subcommand == "actor");
        string published = await Published.DirectoryAsync();
        string asyncrl = Path.Combine(published, "asyncrl.dll");

        var root = Directory.CreateTempSubdirectory("asyncrl-rehearsal-").FullName;
        try
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101); // the pods' non-root users reach their folders
            // Addresses of our own in a private range, on the namespaces' interfaces only (the pods' IPs); names as
            // cluster DNS would give them.
            var addresses = new Dictionary<string, string> { ["learner"] = "10.213.0.2", ["actor-1"] = "10.213.0.3", ["actor-2"] = "10.213.0.4", ["otlp"] = "10.213.0.5" };
            var learnerServices = m.OfKind("Service").Where(s => Manifests.Selects(Manifests.Labels(s["spec"]!["selector"]), learner.Labels)).ToList();
            // The name actors dial where the overlay gives them one (prod), else the learner's Service: the certificate's name.
            string learnerHost = actor.Arg("--learner") is { } given ? new Uri(given).Host
                : Manifests.Name(learnerServices.First(s => Manifests.Str(s["spec"]!["clusterIP"]) != "None"));
            var secrets = Secrets(learnerHost);
            var image = DockerfileTests.ImageEnvironment();
            var learnerPod = await LocalPod.PrepareAsync(m, learner, "asyncrl-learner-0", root, image, secrets, addresses["learner"]);
            var actorPods = new List<LocalPod>();
            foreach (int i in new[] { 1, 2 }) actorPods.Add(await LocalPod.PrepareAsync(m, actor, $"asyncrl-actor-{i}", root, image, secrets, addresses[$"actor-{i}"]));
            string seed = $"akka.tcp://asyncrl@{addresses["learner"]}:{learnerPod.Environment["ASYNCRL_CLUSTER_PORT"]}";
            IReadOnlyDictionary<string, string> ActorEnvironment(LocalPod pod) => new Dictionary<string, string>(Clustered(pod, seed))
            {
                ["ASYNCRL_ACTORS"] = Math.Min(MaxActorsPerPod, int.Parse(pod.Environment.GetValueOrDefault("ASYNCRL_ACTORS", "1"), System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var collector = new Uri(learnerPod.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);

            var names = learnerServices.ToDictionary(s => Manifests.Name(s), _ => "learner");
            names[collector.Host] = "otlp";
            Assert.Contains(learnerHost, names.Keys);

            await using var lab = await NetnsLab.CreateAsync(addresses, names);
            string received = Directory.CreateDirectory(Path.Combine(root, "otlp")).FullName;
            var sink = lab.Start("otlp", "python3", [Path.Combine(AppContext.BaseDirectory, "Support", "otlp_sink.py"), "0.0.0.0", collector.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), received], new Dictionary<string, string>());
            await WaitUntilAsync(() => sink.Output.Contains("listening", StringComparison.Ordinal), [sink], TimeSpan.FromSeconds(30), () => sink.Output);

            // The rehearsal checks the bridge, TLS and traces, not how fast CartPole is solved: without the early stop
            // the run outlasts the checks, so both actor pods contribute however fast the learner solves it and
            // however late a pod starts on a loaded machine.
            var learnerEnvironment = new Dictionary<string, string>(Clustered(learnerPod, seeds: null)) { ["ASYNCRL_NO_EARLY_STOP"] = "true" };
            var learnerProcess = lab.Start("learner", "dotnet", [asyncrl, .. learnerPod.Args], learnerEnvironment, learnerPod.Security);
            var actorProcesses = actorPods.Select((p, i) => lab.Start($"actor-{i + 1}", "dotnet", [asyncrl, .. p.Args], ActorEnvironment(p), p.Security)).ToList();
            string Output() => $"learner:\n{learnerProcess.Output}\n" + string.Concat(actorProcesses.Select((a, i) => $"actor {i + 1}:\n{a.Output}\n")) + $"collector:\n{sink.Output}";

            string metrics = Path.Combine(learnerPod.Local(learner.Arg("--out")!), "metrics.jsonl");
            Spans? spans = null;
            var nodes = new[] { learnerProcess }.Concat(actorProcesses).ToList();
            await WaitUntilAsync(() =>
            {
                spans = Spans.Read(received);
                return LastVersion(metrics) >= 10
                    && ClusterActorNodes(metrics) >= actorProcesses.Count
                    && actorProcesses.All(a => Accepted(a.Output) > 0)
                    && spans.Services.Contains("asyncrl-learner") && spans.Services.Contains("asyncrl-actor")
                    && spans.RolloutTracesIngested > 0;
            }, nodes, Wait, () => $"policy version {LastVersion(metrics)}, actor nodes in the cluster {ClusterActorNodes(metrics)}, batches accepted per actor node [{string.Join(", ", actorProcesses.Select(a => Accepted(a.Output)))}], " +
                $"span services [{string.Join(", ", spans?.Services ?? new HashSet<string>())}], rollout traces ingested {spans?.RolloutTracesIngested}\n{Output()}");

            // Training went on over the bridge only: both actor nodes' batches were accepted, versions advanced,
            // and the learner's ingest spans continue the actors' rollout traces across the hosts.
            Assert.True(LastVersion(metrics) >= 10);
            string scheme = new Uri(learner.Arg("--listen")!).Scheme; // prod: TLS with the mounted Secret, verified by the actors
            Assert.Contains($"listening on {scheme}://", learnerProcess.Output, StringComparison.Ordinal);
            Assert.True(spans!.RolloutTracesIngested > 0);
            // Both actor nodes are members (up and reachable) of the learner's cluster: they found its gRPC address there
            // unless the overlay gave it.
            Assert.True(LastField(metrics, "cluster_actor_nodes") >= 2);
            Assert.Equal(0, LastField(metrics, "cluster_unreachable"));

            // The autoscaler removes a pod: SIGTERM, and the node leaves the cluster in order (removed, never
            // unreachable) well within the pod's grace period, while training goes on with the other.
            var leaving = actorProcesses[1];
            long versionAtStop = LastVersion(metrics);
            int grace = int.Parse(Manifests.Str(actor.Spec["terminationGracePeriodSeconds"]) ?? "30", System.Globalization.CultureInfo.InvariantCulture);
            await leaving.TerminateAsync();
            await WaitUntilAsync(() => leaving.HasExited && ClusterActorNodes(metrics) == 1 && LastVersion(metrics) > versionAtStop,
                nodes, TimeSpan.FromSeconds(grace), () => $"actor 2 exited {leaving.HasExited}, actor nodes in the cluster {ClusterActorNodes(metrics)}, " +
                    $"policy version {LastVersion(metrics)} (at SIGTERM {versionAtStop})\n{Output()}");
            Assert.Equal(0, leaving.ExitCode);
            Assert.DoesNotContain("is unreachable", learnerProcess.Output, StringComparison.Ordinal);
            Assert.False(learnerProcess.HasExited);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>What the operator would have created: the token, and the learner's TLS Secret (used by prod only).</summary>
    private static Dictionary<string, string> Secrets(string learnerHost)
    {
        using var ca = TestCertificates.CreateCa("asyncrl rehearsal ca");
        using var server = TestCertificates.CreateServer(ca, [learnerHost], []);
        return new Dictionary<string, string>
        {
            ["asyncrl-token/token"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            ["asyncrl-learner-tls/tls.crt"] = server.ExportCertificatePem(),
            ["asyncrl-learner-tls/tls.key"] = server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(),
            ["asyncrl-learner-tls/ca.crt"] = ca.ExportCertificatePem(),
        };
    }

    /// <summary>
    /// A pod's variables with its cluster bootstrap turned into seed nodes: bootstrap would find the run's pods through
    /// the Kubernetes API, which is not here. The learner, given none, forms the cluster (the node bootstrap lets
    /// form it when it is the only contact point or the lowest address); actor nodes join it at <paramref name="seeds"/>.
    /// </summary>
    private static Dictionary<string, string> Clustered(LocalPod pod, string? seeds)
    {
        var environment = new Dictionary<string, string>(pod.Environment);
        Assert.True(environment.Remove("ASYNCRL_CLUSTER_BOOTSTRAP"), $"{pod.Name}: the manifests give it no cluster bootstrap");
        if (seeds is not null) environment["ASYNCRL_SEED_NODES"] = seeds;
        return environment;
    }

    private static long LastVersion(string metricsPath) => LastField(metricsPath, "policy_version");

    /// <summary>The learner's count of actor nodes that are up and reachable cluster members, from its newest metrics line.</summary>
    private static long ClusterActorNodes(string metricsPath) => LastField(metricsPath, "cluster_actor_nodes");

    /// <summary>The integer <paramref name="field"/> of the newest complete metrics line that has it (0 before any).</summary>
    private static long LastField(string metricsPath, string field)
    {
        if (!File.Exists(metricsPath)) return 0;
        using var stream = new FileStream(metricsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        long last = 0;
        while (reader.ReadLine() is { } line)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty(field, out var value)) last = value.GetInt64();
            }
            catch (JsonException)
            {
                // the learner is mid-line
            }
        }
        return last;
    }

    /// <summary>The batches the learner accepted from an actor node, from its newest progress line or its final summary.</summary>
    private static long Accepted(string output) =>
        System.Text.RegularExpressions.Regex.Matches(output, @"accepted (\d+)") is { Count: > 0 } found
            ? long.Parse(found[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    /// <summary>
    /// Waits for <paramref name="condition"/>. A node that exits in order is no failure by itself (its final summary is
    /// in its output and still counts); one that fails does fail the wait at once, and so does every node having
    /// ended with the condition still false, since nothing can change it any more.
    /// </summary>
    private static async Task WaitUntilAsync(Func<bool> condition, IReadOnlyList<NetnsProcess> nodes, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            bool allEnded = nodes.All(n => n.HasExited);
            if (condition()) return;
            if (nodes.FirstOrDefault(n => n.HasExited && n.ExitCode != 0) is { } failed)
                throw new Xunit.Sdk.XunitException($"a node failed with exit code {failed.ExitCode}: {diagnostics()}");
            if (allEnded) throw new Xunit.Sdk.XunitException($"every node ended before the rehearsal's conditions held: {diagnostics()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not reached within {timeout}: {diagnostics()}");
            await Task.Delay(250);
        }
    }

    /// <summary>The trace exports the collector saved, decoded with the OTLP messages the integration tests use.</summary>
    private sealed record Spans(IReadOnlySet<string> Services, int RolloutTracesIngested)
    {
        public static Spans Read(string dir)
        {
            var services = new HashSet<string>(StringComparer.Ordinal);
            var rollout = new HashSet<ByteString>();
            var ingest = new HashSet<ByteString>();
            foreach (var file in Directory.GetFiles(dir, "traces-*.pb"))
            {
                var request = ExportTraceServiceRequest.Parser.ParseFrom(File.ReadAllBytes(file));
                foreach (var rs in request.ResourceSpans)
                {
                    var spans = rs.ScopeSpans.SelectMany(s => s.Spans).ToList();
                    if (spans.Count == 0) continue;
                    if (rs.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue is { } service) services.Add(service);
                    foreach (var span in spans)
                    {
                        if (span.Name == "rollout") rollout.Add(span.TraceId);
                        if (span.Name == "ingest") ingest.Add(span.TraceId);
                    }
                }
            }
            return new Spans(services, rollout.Intersect(ingest).Count());
        }
    }
}
