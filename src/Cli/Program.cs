// The operator CLI. See OperatorCli for the grammar; README "Operating the cluster" for the commands.
using Basketball.Cli;

using var cancel = new CancellationTokenSource();
var cli = new OperatorCli(Console.Out, Console.Error, Environment.GetEnvironmentVariable);
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the running command (a `tail`); the interactive prompt handles its own.
    e.Cancel = true;
    cancel.Cancel();
};
return await cli.RunAsync(args, Console.In, cancel.Token);
