using System.CommandLine;
using System.Globalization;
using AsyncRL.Actors;
using AsyncRL.Cli.Configuration;
using AsyncRL.Models.Backend;

namespace AsyncRL.Cli.Commands;

/// <summary><c>asyncrl actor --learner URL</c>: an actor node that registers with a learner and streams samples to it.</summary>
internal static class ActorCommand
{
    public static Command Create()
    {
        var command = new Command("actor", "Run an actor node against a learner.");
        var config = CommonOptions.Config();
        var learner = new Option<string?>("--learner") { Description = "The learner's gRPC address, http://HOST:PORT (with --seed-nodes: found through the cluster unless given)." };
        var cluster = new ClusterArgs();
        var actors = CommonOptions.Actors();
        var envs = CommonOptions.EnvsPerActor();
        var sync = CommonOptions.Sync();
        var n = CommonOptions.N();
        var token = CommonOptions.Token();
        var nodeId = new Option<string?>("--node-id") { Description = "Stable node id (a restarted node with the same id keeps its actor ids)." };
        var tlsCa = new Option<string?>("--tls-ca") { Description = "PEM CA certificate(s) that an https:// learner's certificate must chain to (default: the system's trust store)." };
        var linger = CommonOptions.Linger();
        var logLevel = NodeLogging.Option();
        foreach (var o in new Option[] { config, learner, actors, envs, sync, n, token, nodeId, tlsCa, linger, logLevel }) command.Options.Add(o);
        cluster.AddTo(command);
        CommandRunner.SetAction(command, config, async (s, ct) =>
        {
            var url = s.Get(learner);
            bool joins = cluster.Joins(s);
            Uri? address = null;
            if (string.IsNullOrEmpty(url))
            {
                if (!joins) throw new CliUsageException("give --seed-nodes akka.tcp://asyncrl@HOST:PORT (the learner is found through the cluster) or --learner http://HOST:PORT.");
            }
            else if (!Uri.TryCreate(url, UriKind.Absolute, out address))
            {
                throw new CliUsageException($"--learner: '{url}' is not an absolute http:// or https:// address.");
            }
            if (s.Get(n) is < 1) throw new CliUsageException($"--n {s.Get(n)}: N must be at least 1 (leave it out to take the learner's).");
            using var logging = NodeLogging.Create(s.Get(logLevel));
            Gemm.SetThreads(1);
            using var telemetry = AsyncRL.Learner.LearnerTelemetry.Configure("asyncrl-actor", [ActorInstrumentation.Name]);
            var options = NodeFactory.Actor(address, s.Get(actors), s.Get(envs), s.Get(sync), s.Get(token), s.Get(nodeId), s.Get(n)) with
            {
                RemoteCertificateValidation = TlsFiles.TrustOnly(s.Get(tlsCa)),
                Cluster = joins ? cluster.Build(s, AsyncRL.Cluster.ClusterRoles.Actor) : null,
                PhaseReached = Lifetime.StartupPhases.Reach,
            };
            var node = new ActorNode(options, logging);
            var run = node.RunAsync(ct);
            string Line()
            {
                var st = node.Stats;
                ulong seq = st.Actors.Count > 0 ? st.Actors.Max(a => a.LastSeq) : 0;
                return $"actor node: {st.EnvSteps:N0} steps, {st.StepsPerSecond:N0} steps/s, version {st.PolicyVersion}, accepted {st.BatchesAccepted}, " +
                    $"duplicate {st.BatchesDuplicate}, rejected {st.BatchesRejected}, seq {seq}, restarts {st.Restarts}, unacked {st.Actors.Sum(a => a.Unacked)}, " +
                    string.Create(CultureInfo.InvariantCulture, $"push-ack p50 {st.PushAck.PercentileMs(0.5):G3} ms, p99 {st.PushAck.PercentileMs(0.99):G3} ms");
            }
            // Progress while the node runs; stopped once it ends, so a lingering node does not keep printing a rate
            // that only decays. The final line below is the node's summary, printed whatever the run's length.
            using var ticking = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var ticker = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
                while (await timer.WaitForNextTickAsync(ticking.Token).ConfigureAwait(false))
                    await Console.Out.WriteLineAsync(Line()).ConfigureAwait(false);
            }, ticking.Token);
            try
            {
                ActorNodeOutcome outcome;
                try
                {
                    outcome = await run.ConfigureAwait(false);
                }
                finally
                {
                    await ticking.CancelAsync().ConfigureAwait(false);
                    await ticker.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                }
                await Console.Out.WriteLineAsync(Line()).ConfigureAwait(false);
                // The whole push-to-ack histogram, for scripts that merge several nodes' (bench/load).
                await Console.Out.WriteLineAsync($"push-ack ms (bucket upper bound:count): {node.Stats.PushAck.Buckets()}").ConfigureAwait(false);
                await Console.Out.WriteLineAsync(outcome == ActorNodeOutcome.RunFinished ? "run finished" : "stopped").ConfigureAwait(false);
                if (outcome == ActorNodeOutcome.RunFinished) await CommonOptions.LingerAsync(s.Get(linger), ct).ConfigureAwait(false);
                return 0;
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
            catch (AsyncRL.Actors.Membership.JoinRefusedException refused)
            {
                await Console.Error.WriteLineAsync($"asyncrl actor: {refused.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
