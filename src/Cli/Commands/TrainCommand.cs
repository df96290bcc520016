using System.CommandLine;
using AsyncRL.Actors;
using AsyncRL.Cli.Configuration;
using AsyncRL.Cli.Display;
using AsyncRL.Cli.Lifetime;
using AsyncRL.Learner;
using AsyncRL.Models.Backend;

namespace AsyncRL.Cli.Commands;

/// <summary>
/// <c>asyncrl train</c>: the embedded default — a learner and an actor node in one process, talking
/// real gRPC over loopback, until the task is solved or the step budget is spent.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train with a learner and actors in this process (real gRPC over loopback).");
        var config = CommonOptions.Config();
        var learner = new LearnerArgs("runs/train");
        var actors = CommonOptions.Actors();
        var envs = CommonOptions.EnvsPerActor();
        var sync = CommonOptions.Sync();
        var logLevel = NodeLogging.Option();
        command.Options.Add(config);
        command.Options.Add(logLevel);
        learner.AddTo(command);
        command.Options.Add(actors);
        command.Options.Add(envs);
        command.Options.Add(sync);
        CommandRunner.SetAction(command, config, async (s, ct) =>
        {
            learner.Check(s);
            using var logging = NodeLogging.Create(s.Get(logLevel));
            // Language tasks: one actor generates on one core while the learner trains on the other.
            bool language = AsyncRL.Algorithms.Language.LanguageObjectives.IsLanguageAlgorithm(s.Get(learner.Algo));
            int actorCount = language && !s.IsSet(actors) ? 1 : s.Get(actors), envsPerActor = s.Get(envs);
            if (actorCount < 1 || envsPerActor < 1) throw new CliUsageException("--actors and --envs-per-actor must be at least 1.");
            if (s.Get(sync) && s.Get(learner.Lag) > 0) throw new CliUsageException("--sync and --lag exclude each other: a synchronous actor waits for the next version, which it would only see --lag updates later.");
            // Learner and actors share two cores: one BLAS thread each keeps them from fighting.
            Gemm.SetThreads(1);
            int rows = actorCount * envsPerActor * NodeFactory.Ppo(1).RolloutLength;
            var learnerOptions = NodeFactory.Learner(s, learner, "http://127.0.0.1:0", healthPort: null, rowsPerUpdate: rows) with
            {
                AdditionalConfig = new() { ["actors"] = actorCount, ["envs_per_actor"] = envsPerActor, ["sync"] = s.Get(sync), ["mode"] = "train" },
            };
            // --sync is N = 1: the learner knows it too, so config.json and summary.json say so.
            if (s.Get(sync) && learnerOptions.OffPolicyN is null) learnerOptions = learnerOptions with { OffPolicyN = 1 };
            // Ape-X exploration: one ε slot per environment of this process's actors.
            learnerOptions = learnerOptions with
            {
                Dqn = learnerOptions.Dqn with { EpsilonSlots = actorCount * envsPerActor },
            };
            // OTLP export when the standard OTEL_* variables ask for it: one trace from rollout to update.
            using var telemetry = LearnerTelemetry.Configure("asyncrl-train", [ActorInstrumentation.Name]);
            // One actor system for both roles: a cluster of one on loopback, as a learner and its actor nodes would form.
            StartupPhases.Reach(StartupPhases.Cluster);
            await using var system = await AsyncRL.Cluster.ClusterHost.StartAsync(new AsyncRL.Cluster.ClusterSettings
            {
                Roles = [AsyncRL.Cluster.ClusterRoles.Learner, AsyncRL.Cluster.ClusterRoles.Actor],
            }, logging, ct).ConfigureAwait(false);
            learnerOptions = learnerOptions with { ClusterHost = system, PhaseReached = StartupPhases.Reach };
            var algorithm = await NodeFactory.CreateAlgorithmAsync(learnerOptions, ct).ConfigureAwait(false);
            await using var node = new LearnerNode(learnerOptions, algorithm, logging);
            var address = await node.StartAsync(ct).ConfigureAwait(false);
            var actorNode = new ActorNode(NodeFactory.Actor(address, actorCount, envsPerActor, s.Get(sync), s.Get(learner.Token), "train") with
            {
                Host = system,
                PhaseReached = StartupPhases.Reach,
            }, logging);
            using var stopActors = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var acting = actorNode.RunAsync(stopActors.Token);
            StartupPhases.Reach(StartupPhases.Train);
            try
            {
                await new ProgressDisplay(() => node.Progress, () => actorNode.Stats).FollowAsync(node, ct).ConfigureAwait(false);
            }
            finally
            {
                await stopActors.CancelAsync().ConfigureAwait(false);
                try { await acting.ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
            return 0;
        });
        return command;
    }
}
