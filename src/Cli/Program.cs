using System.CommandLine;
using AsyncRL.Cli.Commands;
using AsyncRL.Cli.Lifetime;

// The signals first, before anything that could take them for itself: one shutdown path for the whole process.
using var shutdown = ProcessShutdown.Install(ProcessShutdown.DefaultGrace, Console.Error);
StartupPhases.Reach(StartupPhases.Parse);
var root = new RootCommand("asyncrl: distributed asynchronous actor–learner reinforcement learning.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(LearnerCommand.Create());
root.Subcommands.Add(ActorCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(ClusterCommand.Create());
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // A usage error like any other (exit 2, as the commands' own checks give), with the parser's words and where to look.
    foreach (var error in parse.Errors) Console.Error.WriteLine($"asyncrl: {error.Message}");
    Console.Error.WriteLine($"asyncrl: see '{string.Join(' ', ["asyncrl", .. parse.CommandResult.Command is RootCommand ? [] : new[] { parse.CommandResult.Command.Name }, "--help"])}'.");
    return CommandRunner.UsageError;
}
// System.CommandLine's own signal handling stays off (no termination timeout): the token below is ours.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await parse.InvokeAsync(invocation, shutdown.Token).ConfigureAwait(false);
