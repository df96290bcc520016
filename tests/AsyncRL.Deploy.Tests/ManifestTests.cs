using System.Globalization;
using System.Text.Json.Nodes;
using AsyncRL.Cluster;
using AsyncRL.Deploy.Tests.Support;
using static AsyncRL.Deploy.Tests.Support.Manifests;

namespace AsyncRL.Deploy.Tests;

/// <summary>The rendered overlays fit the program: flags, variables, ports, probes, selectors, cluster bootstrap, RBAC, security, resources.</summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Overlays => new() { "overlays/dev", "overlays/prod" };

    /// <summary>How long the CLI gives itself to stop in order after SIGTERM (Program.cs, ProcessTerminationTimeout).</summary>
    private const int ProgramStopSeconds = 50;

    /// <summary>The management port's probes (our contact-point server): the actor system runs; the node is an Up member.</summary>
    private static readonly Dictionary<string, string> ProbePaths = new() { ["startupProbe"] = "/alive", ["readinessProbe"] = "/ready", ["livenessProbe"] = "/alive" };

    private static readonly Dictionary<string, Task<Manifests>> Rendered = [];

    /// <summary>Each overlay is rendered once per test run.</summary>
    internal static Task<Manifests> RenderAsync(string overlay)
    {
        lock (Rendered)
        {
            if (!Rendered.TryGetValue(overlay, out var task)) Rendered[overlay] = task = Manifests.RenderAsync(overlay);
            return task;
        }
    }

    private static async Task<(Manifests M, Pod Learner, Pod Actor)> NodesAsync(string overlay)
    {
        var m = await RenderAsync(overlay);
        var ours = Pod.All(m).Where(p => p.IsAsyncRl).ToList();
        var learner = Assert.Single(ours, p => p.Subcommand == "learner");
        var actor = Assert.Single(ours, p => p.Subcommand == "actor");
        return (m, learner, actor);
    }

    [KubectlFact]
    public async Task Kustomize_RendersTheBaseAndEveryOverlay()
    {
        foreach (var dir in new[] { "base", "jaeger", "overlays/dev", "overlays/prod" })
        {
            var m = await RenderAsync(dir);
            Assert.NotEmpty(m.Objects);
        }
        var dev = await RenderAsync("overlays/dev");
        var prod = await RenderAsync("overlays/prod");
        foreach (var m in new[] { dev, prod })
        {
            Assert.Equal("1", Str(m.Get("StatefulSet", "asyncrl-learner")["spec"]!["replicas"]));
            m.Get("Service", "asyncrl-learner");
            m.Get("NetworkPolicy", "asyncrl-learner");
            m.Get("PodDisruptionBudget", "asyncrl-actor");
            m.Get("NetworkPolicy", "asyncrl-actor");
            m.Get("ServiceAccount", "asyncrl");
            m.Get("Role", "asyncrl-pod-reader");
            m.Get("RoleBinding", "asyncrl-pod-reader");
        }
        // dev: exactly two actors and the in-cluster Jaeger; prod: more actors, a larger learner, no Jaeger.
        Assert.Equal("2", Str(dev.Get("Deployment", "asyncrl-actor")["spec"]!["replicas"]));
        Assert.Equal("2", Str(dev.Get("HorizontalPodAutoscaler", "asyncrl-actor")["spec"]!["maxReplicas"]));
        dev.Get("Deployment", "jaeger");
        Assert.Null(prod.Find("Deployment", "jaeger"));
        Assert.True(Replicas(prod, "minReplicas") > Replicas(dev, "maxReplicas"), "prod runs more actors than dev");
        Assert.True(CpuRequest(prod, "StatefulSet", "asyncrl-learner") > CpuRequest(dev, "StatefulSet", "asyncrl-learner"), "prod's learner is larger");
        Assert.True(CpuRequest(prod, "Deployment", "asyncrl-actor") > CpuRequest(dev, "Deployment", "asyncrl-actor"), "prod's actors are larger");

        static int Replicas(Manifests m, string field) => int.Parse(Str(m.Get("HorizontalPodAutoscaler", "asyncrl-actor")["spec"]![field])!, System.Globalization.CultureInfo.InvariantCulture);
        static double CpuRequest(Manifests m, string kind, string name) => Quantity.Cpu(Str(m.Get(kind, name)["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["requests"]!["cpu"])!);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task AsyncRlContainers_PassOnlyFlagsAndVariablesTheCliHas(string overlay)
    {
        var m = await RenderAsync(overlay);
        var ours = Pod.All(m).Where(p => p.IsAsyncRl).ToList();
        Assert.Equal(2, ours.Count);
        foreach (var pod in ours)
        {
            // The image's entrypoint runs asyncrl; the manifests pass arguments only.
            Assert.True(pod.Container["command"] is null, $"{pod.Describe}: sets command, overriding the image's entrypoint");
            var command = CliModel.Command(pod.Subcommand);
            var (parse, errors) = CliModel.Parse(command, pod.Args.Skip(1).ToList());
            Assert.True(errors.Count == 0, $"{pod.Describe}: asyncrl rejects its arguments: {string.Join("; ", errors)}");

            var env = pod.Environment();
            var known = CliModel.Options(command).ToDictionary(CliModel.EnvironmentName, o => o);
            foreach (var (name, value) in env.Where(kv => kv.Key.StartsWith("ASYNCRL_", StringComparison.Ordinal)))
                Assert.True(known.ContainsKey(name) || CliModel.RuntimeVariables.Contains(name),
                    $"{pod.Describe}: {name} ({value.Source}) is no option of asyncrl {pod.Subcommand} (known: {string.Join(", ", known.Keys.Order())})");

            // The config file it reads comes from a mounted ConfigMap; every key there is an option of the command.
            string? configPath = null;
            if (pod.Arg("--config") is { } config)
            {
                var json = MountedFile(m, pod, config);
                var keys = CliModel.Options(command).Select(CliModel.ConfigKey).ToHashSet(StringComparer.Ordinal);
                foreach (var (key, _) in JsonNode.Parse(json)!.AsObject())
                    Assert.True(keys.Contains(key), $"{pod.Describe}: {config} sets '{key}', which asyncrl {pod.Subcommand} has no option for");
                configPath = Path.Combine(Path.GetTempPath(), $"asyncrl-deploy-config-{Guid.NewGuid():N}.json");
                File.WriteAllText(configPath, json);
            }
            try
            {
                // Values the manifests leave to Secrets or the downward API are strings; a placeholder stands for them.
                var values = env.ToDictionary(kv => kv.Key, kv => kv.Value.Value ?? "from-the-cluster");
                CliModel.ResolveAll(command, parse, values, configPath);
            }
            finally
            {
                if (configPath is not null) File.Delete(configPath);
            }
        }
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Learner_ListensOnItsGrpcPort_ProbesUseTheHealthPort(string overlay)
    {
        var (_, learner, _) = await NodesAsync(overlay);
        var listen = new Uri(learner.Arg("--listen") ?? throw new Xunit.Sdk.XunitException($"{learner.Describe}: no --listen"));
        Assert.Equal("0.0.0.0", listen.Host); // reachable through the Service, not only on loopback
        Assert.Equal(learner.Port("grpc"), listen.Port);
        int health = int.Parse(learner.Arg("--health-port") ?? throw new Xunit.Sdk.XunitException($"{learner.Describe}: no --health-port"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(learner.Port("health"), health);
        Assert.NotEqual(listen.Port, health);
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var grpc = learner.Container[probe]?["grpc"] ?? throw new Xunit.Sdk.XunitException($"{learner.Describe}: no gRPC {probe}");
            Assert.Equal(health.ToString(System.Globalization.CultureInfo.InvariantCulture), Str(grpc["port"]));
            Assert.Null(grpc["service"]); // "" is the server's overall status, which the learner sets
        }
        // TLS on the gRPC port exactly when a certificate is mounted for it; the files come from a Secret volume.
        bool tls = listen.Scheme == Uri.UriSchemeHttps;
        Assert.Equal(tls, learner.Arg("--tls-cert") is not null);
        Assert.Equal(tls, learner.Arg("--tls-key") is not null);
        foreach (var file in new[] { learner.Arg("--tls-cert"), learner.Arg("--tls-key") }.OfType<string>())
            AssertSecretFile(learner, file);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Actors_FindTheLearner_ThroughTheClusterOrByItsService(string overlay)
    {
        var (m, learner, actor) = await NodesAsync(overlay);
        var listen = new Uri(learner.Arg("--listen")!);
        if (actor.Arg("--learner") is { } given)
        {
            // An override of what the learner announces: the learner Service, on its gRPC port.
            var url = new Uri(given);
            var service = m.Find("Service", url.Host) ?? throw new Xunit.Sdk.XunitException($"{actor.Describe}: --learner host '{url.Host}' is not a rendered Service");
            Assert.True(Selects(Labels(service["spec"]!["selector"]), learner.Labels), $"Service {url.Host} does not select the learner pod");
            Assert.NotEqual("None", Str(service["spec"]!["clusterIP"])); // a virtual IP, not the headless Service
            var port = Items(service["spec"]!["ports"]).SingleOrDefault(p => Str(p["port"]) == url.Port.ToString(CultureInfo.InvariantCulture))
                ?? throw new Xunit.Sdk.XunitException($"Service {url.Host} has no port {url.Port}");
            Assert.Equal(learner.Port("grpc"), TargetPort(learner, port));
            Assert.Equal(listen.Scheme, url.Scheme);
            if (url.Scheme == Uri.UriSchemeHttps)
                AssertSecretFile(actor, actor.Arg("--tls-ca") ?? throw new Xunit.Sdk.XunitException($"{actor.Describe}: https learner but no --tls-ca"));
        }
        else
        {
            // Found through the cluster: the learner, listening on every interface, announces its pod IP (its cluster
            // public host) with the gRPC port; the actor needs a cluster to ask in.
            Assert.NotNull(Cluster(actor));
            Assert.Equal("0.0.0.0", listen.Host);
            Assert.Equal("field status.podIP", learner.Environment()["ASYNCRL_CLUSTER_PUBLIC_HOST"].Source);
            Assert.Equal(learner.Port("grpc"), listen.Port);
            // TLS would be verified against the pod IP, which no certificate for the Service's names covers.
            Assert.True(listen.Scheme == Uri.UriSchemeHttp, $"{actor.Describe}: an https:// learner needs --learner with a name its certificate has");
        }
        // Both sides share the bearer token from the same Secret.
        Assert.Equal(learner.Environment()["ASYNCRL_TOKEN"].Source, actor.Environment()["ASYNCRL_TOKEN"].Source);
        Assert.StartsWith("Secret ", learner.Environment()["ASYNCRL_TOKEN"].Source, StringComparison.Ordinal);
        // A restarted actor pod is a new node, named after the pod.
        Assert.Equal("field metadata.name", actor.Environment()["ASYNCRL_NODE_ID"].Source);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Cluster_BootstrapsThroughAkkaManagement_FindingExactlyTheRunsPods(string overlay)
    {
        var (m, learner, actor) = await NodesAsync(overlay);
        var settings = new List<ClusterSettings>();
        foreach (var pod in new[] { learner, actor })
        {
            var cluster = Cluster(pod) ?? throw new Xunit.Sdk.XunitException($"{pod.Describe}: joins no cluster");
            settings.Add(cluster);
            // Akka.Remote on every interface of the pod, advertising the pod IP, on the declared port.
            Assert.Equal("0.0.0.0", cluster.Host);
            Assert.Equal("field status.podIP", pod.Environment()["ASYNCRL_CLUSTER_PUBLIC_HOST"].Source);
            Assert.Equal(4053, cluster.Port); // fixed (not 0): bootstrap and the NetworkPolicies name it
            Assert.Equal(pod.Port("akka-remote"), cluster.Port);
            // Kubernetes bootstrap, not fixed seeds; the management port is the one declared.
            Assert.Empty(cluster.SeedNodes);
            var bootstrap = cluster.Bootstrap ?? throw new Xunit.Sdk.XunitException($"{pod.Describe}: no cluster bootstrap");
            Assert.Equal(pod.Port("management"), bootstrap.ManagementPort);
            Assert.Null(bootstrap.Namespace); // the pods' own namespace, which the Role covers
            Assert.Equal(1, bootstrap.RequiredContactPoints);
        }
        Assert.Equal(settings[0].Bootstrap, settings[1].Bootstrap); // one cluster: both look for the same pods

        // The selector finds the learner and the actors, and no pod of anything else (bootstrap would wait on it
        // as a contact point that never answers).
        var selector = LabelSelector(settings[0].Bootstrap!.PodLabelSelector);
        Assert.True(Selects(selector, learner.Labels), $"{overlay}: bootstrap selector {settings[0].Bootstrap!.PodLabelSelector} misses the learner pod");
        Assert.True(Selects(selector, actor.Labels), $"{overlay}: bootstrap selector {settings[0].Bootstrap!.PodLabelSelector} misses the actor pods");
        foreach (var pod in Pod.All(m).Where(p => Selects(selector, p.Labels)))
            Assert.True(pod.IsAsyncRl && pod.Port("management") is not null, $"{pod.Describe}: matched by the bootstrap selector but no cluster node");
        // Selectors of workloads, Services and budgets still tell learner from actors.
        Assert.False(Selects(Labels(m.Get("StatefulSet", "asyncrl-learner")["spec"]!["selector"]!["matchLabels"]), actor.Labels));
        Assert.False(Selects(Labels(m.Get("Deployment", "asyncrl-actor")["spec"]!["selector"]!["matchLabels"]), learner.Labels));
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Rbac_LetsThePodsServiceAccountListPodsInItsNamespace_AndNothingElse(string overlay)
    {
        var (m, learner, actor) = await NodesAsync(overlay);
        string account = Str(learner.Spec["serviceAccountName"]) ?? throw new Xunit.Sdk.XunitException($"{learner.Describe}: runs as the namespace's default ServiceAccount");
        Assert.Equal(account, Str(actor.Spec["serviceAccountName"]));
        var serviceAccount = m.Get("ServiceAccount", account);
        foreach (var pod in new[] { learner, actor })
        {
            // Discovery reads the token the kubelet mounts; the pod's setting wins over the account's.
            string? automount = Str(pod.Spec["automountServiceAccountToken"]) ?? Str(serviceAccount["automountServiceAccountToken"]);
            Assert.True(automount != "false", $"{pod.Describe}: no service account token is mounted, so discovery cannot call the Kubernetes API");
        }

        // A RoleBinding gives that account a Role (namespaced: discovery looks in the pods' own namespace only).
        var bindings = m.OfKind("RoleBinding").Where(b => Items(b["subjects"]).Any(sub => Str(sub["kind"]) == "ServiceAccount" && Str(sub["name"]) == account)).ToList();
        var binding = Assert.Single(bindings);
        Assert.Null(Str(Items(binding["subjects"]).First()["namespace"])); // the binding's own namespace
        Assert.Equal("Role", Str(binding["roleRef"]!["kind"]));
        Assert.Equal("rbac.authorization.k8s.io", Str(binding["roleRef"]!["apiGroup"]));
        var role = m.Get("Role", Str(binding["roleRef"]!["name"])!);
        var rules = Items(role["rules"]).ToList();
        Assert.Contains(rules, r => Strings(r["apiGroups"]).Contains("") && Strings(r["resources"]).Contains("pods")
            && new[] { "get", "list", "watch" }.All(Strings(r["verbs"]).Contains));
        // Read-only, and pods only.
        Assert.All(rules, r => Assert.Subset(new HashSet<string> { "get", "list", "watch" }, Strings(r["verbs"]).ToHashSet()));
        Assert.All(rules, r => Assert.Equal(new[] { "pods" }, Strings(r["resources"])));
        Assert.Empty(m.OfKind("ClusterRoleBinding"));

        static List<string> Strings(JsonNode? array) => [.. (array as JsonArray ?? []).Select(n => Str(n) ?? "")];
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Actors_ProbeAkkaManagement_AndLeaveTheClusterOnSigterm(string overlay)
    {
        var (_, learner, actor) = await NodesAsync(overlay);
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var http = actor.Container[probe]?["httpGet"] ?? throw new Xunit.Sdk.XunitException($"{actor.Describe}: no HTTP {probe}");
            Assert.Equal(ProbePaths[probe], Str(http["path"]));
            Assert.Equal(actor.Port("management"), NamedOrNumbered(actor, http["port"]));
            Assert.Null(http["scheme"]); // the management port is plain HTTP
        }
        foreach (var pod in new[] { learner, actor })
        {
            // SIGTERM itself leaves the cluster (CoordinatedShutdown); a preStop hook would only delay or pre-empt it.
            Assert.Null(pod.Container["lifecycle"]?["preStop"]);
            int grace = int.Parse(Str(pod.Spec["terminationGracePeriodSeconds"]) ?? "30", CultureInfo.InvariantCulture);
            Assert.True(grace > ProgramStopSeconds, $"{pod.Describe}: {grace} s between SIGTERM and SIGKILL cuts the node's {ProgramStopSeconds} s orderly stop (and its cluster leave) short");
        }
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Selectors_MatchThePodsTheyMean(string overlay)
    {
        var (m, learner, actor) = await NodesAsync(overlay);
        foreach (var (workload, template) in m.PodTemplates())
            Assert.True(Selects(Labels(workload["spec"]!["selector"]!["matchLabels"]), Labels(template["metadata"]!["labels"])), $"{Name(workload)}: its selector does not match its own pods");
        var pods = Pod.All(m).ToList();
        foreach (var service in m.OfKind("Service"))
        {
            var selected = pods.Where(p => Selects(Labels(service["spec"]!["selector"]), p.Labels)).ToList();
            Assert.True(selected.Count > 0, $"Service {Name(service)} selects no pod");
            foreach (var port in Items(service["spec"]!["ports"]))
                Assert.True(selected.Any(p => TargetPort(p, port) is not null), $"Service {Name(service)} port {Str(port["name"])}: no selected container has its target port");
        }
        var sts = m.Get("StatefulSet", "asyncrl-learner");
        var headless = m.Get("Service", Str(sts["spec"]!["serviceName"])!);
        Assert.Equal("None", Str(headless["spec"]!["clusterIP"]));

        var hpa = m.Get("HorizontalPodAutoscaler", "asyncrl-actor");
        m.Get(Str(hpa["spec"]!["scaleTargetRef"]!["kind"])!, Str(hpa["spec"]!["scaleTargetRef"]!["name"])!);
        Assert.True(Selects(Labels(m.Get("PodDisruptionBudget", "asyncrl-actor")["spec"]!["selector"]!["matchLabels"]), actor.Labels));
        Assert.False(Selects(Labels(m.Get("PodDisruptionBudget", "asyncrl-actor")["spec"]!["selector"]!["matchLabels"]), learner.Labels));

        // The NetworkPolicies guard both kinds of pod. Only actor pods reach the learner's gRPC port; the run's own pods
        // (learner and actors) reach each other's cluster ports; what takes the kubelet's probes admits any source.
        var policies = m.OfKind("NetworkPolicy").ToList();
        foreach (var pod in new[] { learner, actor })
        {
            var policy = Assert.Single(policies, p => Selects(Labels(p["spec"]!["podSelector"]!["matchLabels"]), pod.Labels));
            Assert.Contains("Ingress", (policy["spec"]!["policyTypes"] as JsonArray ?? []).Select(t => Str(t)));
            foreach (var rule in Items(policy["spec"]!["ingress"]))
            {
                var ports = Items(rule["ports"]).Select(p => NamedOrNumbered(pod, p["port"])).ToList();
                Assert.NotEmpty(ports); // no rule opens every port
                Assert.All(ports, p => Assert.NotNull(p)); // each names a port the container has
                var from = Items(rule["from"]).ToList();
                Assert.All(from, f => Assert.True(f["podSelector"] is not null && f["namespaceSelector"] is null && f["ipBlock"] is null, $"{Name(policy)}: admits more than pods of this namespace"));
                if (from.Count == 0)
                    Assert.All(ports, p => Assert.Contains(p, new[] { pod.Port("health"), ProbedPort(pod) }.Where(q => q is not null)));
            }
            foreach (var peer in new[] { learner, actor })
                foreach (var port in new[] { "akka-remote", "management" })
                    Assert.True(Admits(policy, pod, pod.Port(port), peer.Labels), $"{Name(policy)}: {port} ({pod.Port(port)}) does not admit {peer.Subcommand} pods");
            var stranger = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "jaeger" };
            Assert.False(Admits(policy, pod, pod.Port("akka-remote"), stranger), $"{Name(policy)}: Akka.Remote admits pods outside the run");
        }
        var learnerPolicy = Assert.Single(policies, p => Selects(Labels(p["spec"]!["podSelector"]!["matchLabels"]), learner.Labels));
        Assert.True(Admits(learnerPolicy, learner, learner.Port("grpc"), actor.Labels), "the learner's gRPC port does not admit actor pods");
        foreach (var rule in Items(learnerPolicy["spec"]!["ingress"]).Where(r => Items(r["ports"]).Any(p => NamedOrNumbered(learner, p["port"]) == learner.Port("grpc"))))
        {
            var from = Items(rule["from"]).ToList();
            Assert.NotEmpty(from);
            Assert.All(from, f => Assert.True(Selects(Labels(f["podSelector"]!["matchLabels"]), actor.Labels) && !Selects(Labels(f["podSelector"]!["matchLabels"]), learner.Labels),
                "the gRPC port admits something other than actor pods"));
        }
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task EveryContainer_RunsAsNonRoot_ReadOnly_WithResources(string overlay)
    {
        var m = await RenderAsync(overlay);
        var imageUser = DockerfileTests.ImageUser();
        foreach (var pod in Pod.All(m))
        {
            var podSec = pod.Spec["securityContext"];
            var sec = pod.Container["securityContext"];
            string? Effective(string field) => Str(sec?[field]) ?? Str(podSec?[field]);
            Assert.True(Effective("runAsNonRoot") == "true", $"{pod.Describe}: runAsNonRoot is not set");
            var uid = Effective("runAsUser");
            Assert.True(uid is not null && uid != "0", $"{pod.Describe}: runs as uid {uid ?? "(image default)"}");
            if (pod.IsAsyncRl) Assert.Equal(imageUser, uid); // the user the image was built for
            Assert.Equal("false", Str(sec?["allowPrivilegeEscalation"]));
            Assert.Equal("true", Str(sec?["readOnlyRootFilesystem"]));
            Assert.Contains("ALL", (sec?["capabilities"]?["drop"] as JsonArray ?? []).Select(c => Str(c)));
            var resources = pod.Container["resources"];
            foreach (var path in new[] { "requests.cpu", "requests.memory", "limits.memory" })
            {
                var parts = path.Split('.');
                Assert.True(Str(resources?[parts[0]]?[parts[1]]) is not null, $"{pod.Describe}: no resources.{path}");
            }
            // With a read-only root filesystem, whatever the program writes lives on a volume.
            if (pod.Arg("--out") is { } outDir)
            {
                var mount = pod.MountOf(outDir) ?? throw new Xunit.Sdk.XunitException($"{pod.Describe}: --out {outDir} is on the read-only root filesystem");
                Assert.NotEqual("true", Str(mount.Mount["readOnly"]));
                Assert.True(mount.Volume["persistentVolumeClaim"] is not null, $"{pod.Describe}: checkpoints in {outDir} would not outlive the pod");
            }
            Assert.True(pod.MountOf("/tmp") is not null, $"{pod.Describe}: /tmp is not writable");
        }
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Telemetry_NamesEachComponent_AndReachesACollector(string overlay)
    {
        var (m, learner, actor) = await NodesAsync(overlay);
        Assert.Equal("asyncrl-learner", learner.Environment()["OTEL_SERVICE_NAME"].Value);
        Assert.Equal("asyncrl-actor", actor.Environment()["OTEL_SERVICE_NAME"].Value);
        foreach (var pod in new[] { learner, actor })
        {
            var env = pod.Environment();
            var endpoint = new Uri(env["OTEL_EXPORTER_OTLP_ENDPOINT"].Value!);
            Assert.Equal("http/protobuf", env["OTEL_EXPORTER_OTLP_PROTOCOL"].Value);
            if (overlay.EndsWith("dev", StringComparison.Ordinal))
            {
                // The in-cluster Jaeger's OTLP/HTTP port.
                var jaeger = m.Get("Service", endpoint.Host);
                Assert.Contains(Items(jaeger["spec"]!["ports"]), p => Str(p["port"]) == endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) && Str(p["name"]) == "otlp-http");
            }
            else
            {
                Assert.Contains(".", endpoint.Host, StringComparison.Ordinal); // a collector elsewhere in the cluster, by its full name
                Assert.Null(m.Find("Service", endpoint.Host));
            }
        }
        if (m.Find("Service", "jaeger") is { } ui)
        {
            var ports = Items(ui["spec"]!["ports"]).Select(p => Str(p["port"])).ToHashSet();
            Assert.Superset(new HashSet<string?> { "4317", "4318", "16686" }, ports);
        }
    }

    /// <summary>The cluster settings <paramref name="pod"/>'s node starts with, as the CLI resolves its arguments, variables and config file.</summary>
    private static ClusterSettings? Cluster(Pod pod)
    {
        var values = pod.Environment().ToDictionary(kv => kv.Key, kv => kv.Value.Value ?? "from-the-cluster");
        string role = pod.Subcommand == "learner" ? ClusterRoles.Learner : ClusterRoles.Actor;
        // The config file (the learner's run.json) sets no cluster option; the manifests test that its keys are options at all.
        return CliModel.Cluster(CliModel.Command(pod.Subcommand), [.. pod.Args.Skip(1)], values, configPath: null, role);
    }

    /// <summary>The port the kubelet's HTTP or TCP probes reach, if any (gRPC probes use the health port).</summary>
    private static int? ProbedPort(Pod pod) =>
        new[] { "startupProbe", "readinessProbe", "livenessProbe" }
            .Select(p => pod.Container[p]?["httpGet"]?["port"] ?? pod.Container[p]?["tcpSocket"]?["port"])
            .Where(p => p is not null).Select(p => NamedOrNumbered(pod, p)).FirstOrDefault();

    /// <summary>Whether a rule of <paramref name="policy"/> lets a pod labelled <paramref name="from"/> reach <paramref name="port"/> of <paramref name="pod"/>.</summary>
    private static bool Admits(JsonObject policy, Pod pod, int? port, IReadOnlyDictionary<string, string> from) =>
        port is not null && Items(policy["spec"]!["ingress"]).Any(rule =>
            Items(rule["ports"]).Any(p => NamedOrNumbered(pod, p["port"]) == port)
            && (Items(rule["from"]).ToList() is not { Count: > 0 } peers || peers.Any(f => f["podSelector"] is { } sel && Selects(Labels(sel["matchLabels"]), from))));

    /// <summary>The container port a Service port sends to (by name or number), if the container has it.</summary>
    private static int? TargetPort(Pod pod, JsonObject servicePort) => NamedOrNumbered(pod, servicePort["targetPort"] ?? servicePort["port"]);

    private static int? NamedOrNumbered(Pod pod, JsonNode? port)
    {
        var text = Str(port) ?? "";
        if (int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var number))
            return Items(pod.Container["ports"]).Any(p => Str(p["containerPort"]) == text) ? number : null;
        return pod.Port(text);
    }

    /// <summary>The content of a file the container reads from a mounted ConfigMap.</summary>
    private static string MountedFile(Manifests m, Pod pod, string path)
    {
        var (mount, volume) = pod.MountOf(path) ?? throw new Xunit.Sdk.XunitException($"{pod.Describe}: {path} is on no volume");
        string cm = Str(volume["configMap"]?["name"]) ?? throw new Xunit.Sdk.XunitException($"{pod.Describe}: {path} is not from a ConfigMap");
        string key = path[(Str(mount["mountPath"])!.TrimEnd('/').Length + 1)..];
        return Str(m.Get("ConfigMap", cm)["data"]?[key]) ?? throw new Xunit.Sdk.XunitException($"{pod.Describe}: ConfigMap {cm} has no key {key} for {path}");
    }

    /// <summary>A file from a Secret volume: the Secret is the operator's, so only the key's name can be checked.</summary>
    private static void AssertSecretFile(Pod pod, string path)
    {
        var (mount, volume) = pod.MountOf(path) ?? throw new Xunit.Sdk.XunitException($"{pod.Describe}: {path} is on no volume");
        var secret = volume["secret"] ?? throw new Xunit.Sdk.XunitException($"{pod.Describe}: {path} is not from a Secret");
        string file = path[(Str(mount["mountPath"])!.TrimEnd('/').Length + 1)..];
        var items = Items(secret["items"]).ToList();
        if (items.Count > 0) Assert.Contains(items, i => Str(i["path"]) == file);
        else Assert.Contains(file, new[] { "tls.crt", "tls.key", "ca.crt" }); // the keys of a kubernetes.io/tls Secret (ca.crt as cert-manager adds it)
    }
}
