// The simulator's command line: `run` plays a season through Kinesis against a node and checks the result.
using System.CommandLine;
using Basketball.Kinesis;
using Basketball.Simulator;
using Spectre.Console;

var games = new Option<int>("--games") { Description = "games played at the same time", DefaultValueFactory = _ => 8 };
var rate = new Option<double>("--rate") { Description = "records per second (0 = as fast as possible)", DefaultValueFactory = _ => 2000 };
var seed = new Option<int>("--seed") { Description = "the same seed plays the same season", DefaultValueFactory = _ => 42 };
var plays = new Option<int>("--plays") { Description = "scoring plays per game", DefaultValueFactory = _ => 200 };
var malformed = new Option<int>("--malformed") { Description = "malformed records to mix in", DefaultValueFactory = _ => 6 };
var duplicates = new Option<int>("--duplicates") { Description = "records sent twice", DefaultValueFactory = _ => 10 };
var nodeUrl = new Option<string>("--node") { Description = "the node's HTTP API", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
var stream = new Option<string>("--stream")
{
    Description = "input stream (default BASKETBALL_STREAM or basketball-events)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BASKETBALL_STREAM") ?? "basketball-events",
};
var corruptAggregates = new Option<int>("--corrupt-aggregates") { Description = "KPL aggregated records with a bad checksum to mix in", DefaultValueFactory = _ => 1 };
var plain = new Option<bool>("--plain") { Description = "send one event per Kinesis record instead of KPL aggregated records" };
var timeout = new Option<int>("--timeout") { Description = "seconds to wait for the node to catch up", DefaultValueFactory = _ => 180 };

var run = new Command("run", "play a simulated season through Kinesis against a node and verify the node's state") { games, rate, seed, plays, malformed, duplicates, corruptAggregates, plain, nodeUrl, stream, timeout };
run.SetAction(async (result, cancellationToken) =>
{
    var console = AnsiConsole.Console;
    using var client = new KinesisClient(KinesisOptions.FromEnvironment());
    await using var producer = new KinesisProducer(client, new KinesisProducerOptions(result.GetValue(stream)!) { Aggregate = !result.GetValue(plain) });
    using var http = new HttpClient { BaseAddress = new Uri(result.GetValue(nodeUrl)!), Timeout = TimeSpan.FromSeconds(30) };
    var runner = new SimulationRunner(producer, http, console);
    try
    {
        var verification = await runner.RunAsync(new RunOptions(
            new SimulationOptions(result.GetValue(games), result.GetValue(seed), result.GetValue(plays)),
            result.GetValue(rate), result.GetValue(malformed), result.GetValue(duplicates), TimeSpan.FromSeconds(result.GetValue(timeout)), result.GetValue(corruptAggregates)),
            cancellationToken);
        return verification.Passed ? 0 : 1;
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        console.MarkupLine("[yellow]Stopped.[/]");
        return 130;
    }
});

var root = new RootCommand("Basketball game simulator") { run };
return await root.Parse(args).InvokeAsync();
