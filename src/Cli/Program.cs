using System.CommandLine;
using AsyncRL.Cli.Commands;

var root = new RootCommand("asyncrl: distributed asynchronous actor–learner reinforcement learning.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(LearnerCommand.Create());
root.Subcommands.Add(ActorCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
