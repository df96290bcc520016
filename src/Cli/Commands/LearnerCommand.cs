using System.CommandLine;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cli.Display;
using AsyncRL.Cli.Lifetime;
using AsyncRL.Learner;

namespace AsyncRL.Cli.Commands;

/// <summary><c>asyncrl learner</c>: the learner node alone, for actors in other processes or pods.</summary>
internal static class LearnerCommand
{
    public static Command Create()
    {
        var command = new Command("learner", "Run the learner node; actor nodes connect to it.");
        var config = CommonOptions.Config();
        var learner = new LearnerArgs("runs/learner");
        var listen = new Option<string>("--listen") { Description = "Address actors connect to: http:// (h2c), or https:// with --tls-cert/--tls-key.", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate for TLS on an https:// --listen address (the health port stays plaintext)." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert." };
        var healthPort = new Option<int>("--health-port") { Description = "Plaintext port for grpc.health.v1 (-1: none).", DefaultValueFactory = _ => -1 };
        var rows = new Option<int>("--rows-per-update") { Description = "Rows collected before each PPO update.", DefaultValueFactory = _ => 512 };
        var reflection = new Option<bool>("--grpc-reflection") { Description = "Serve gRPC server reflection on the listen port (grpcurl list/describe)." };
        var linger = CommonOptions.Linger();
        var cluster = new ClusterArgs();
        var logLevel = NodeLogging.Option();
        var checkpointInterval = new Option<double>("--checkpoint-interval") { Description = "Seconds between checkpoints (also one at shutdown).", DefaultValueFactory = _ => 30 };
        command.Options.Add(config);
        learner.AddTo(command);
        command.Options.Add(listen);
        command.Options.Add(healthPort);
        command.Options.Add(rows);
        command.Options.Add(checkpointInterval);
        command.Options.Add(tlsCert);
        command.Options.Add(tlsKey);
        command.Options.Add(reflection);
        command.Options.Add(linger);
        command.Options.Add(logLevel);
        cluster.AddTo(command);
        CommandRunner.SetAction(command, config, async (s, ct) =>
        {
            learner.Check(s);
            using var logging = NodeLogging.Create(s.Get(logLevel));
            int health = s.Get(healthPort);
            var options = NodeFactory.Learner(s, learner, s.Get(listen), health < 0 ? null : health, s.Get(rows)) with
            {
                AdditionalConfig = new() { ["mode"] = "learner" },
                CheckpointInterval = TimeSpan.FromSeconds(Math.Max(0, s.Get(checkpointInterval))),
                TlsCertificate = TlsFiles.ServerCertificate(s.Get(tlsCert), s.Get(tlsKey)),
                GrpcReflection = s.Get(reflection),
                Cluster = cluster.Build(s, AsyncRL.Cluster.ClusterRoles.Learner),
                PhaseReached = StartupPhases.Reach,
            };
            using var telemetry = LearnerTelemetry.Configure();
            var algorithm = await NodeFactory.CreateAlgorithmAsync(options, ct).ConfigureAwait(false);
            await using var node = new LearnerNode(options, algorithm, logging);
            var address = await node.StartAsync(ct).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"learner listening on {address}{(node.HealthAddress is { } h ? $", health on {h}" : "")}").ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"cluster at {node.ClusterAddress} (actor nodes: --seed-nodes {node.ClusterAddress})").ConfigureAwait(false);
            StartupPhases.Reach(StartupPhases.Train);
            await new ProgressDisplay(() => node.Progress, null).FollowAsync(node, ct).ConfigureAwait(false);
            // Still listening: late callers are told the run finished, and health keeps answering.
            await CommonOptions.LingerAsync(s.Get(linger), ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
