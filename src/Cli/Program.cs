using System.CommandLine;
using AsyncRL.Cli.Commands;

var root = new RootCommand("asyncrl: distributed asynchronous actor–learner reinforcement learning.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(LearnerCommand.Create());
root.Subcommands.Add(ActorCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(ClusterCommand.Create());
// SIGINT/SIGTERM cancel the command; it then has this long to stop in order (the learner's final checkpoint)
// before the process ends anyway (our manifests give pods 60 s between SIGTERM and SIGKILL).
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(50) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
