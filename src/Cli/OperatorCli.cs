// `<cli> [host:port] <palette> <command> [-x value]… [--json] [--token T]`: the command line is built from the
// catalog the node advertises (so completion and help match the node), parsed with System.CommandLine, sent
// over OpsProtocol and printed in pbm's formats or as JSON. With no command: the interactive prompt.
using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Basketball.Ops;

namespace Basketball.Cli;

public sealed partial class OperatorCli
{
    public const string DefaultTarget = "127.0.0.1:9110";

    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly Func<string, string?> _environment;
    private readonly Option<bool> _json = new("--json") { Description = "print JSON instead of text", Recursive = true };
    private readonly Option<string> _token = new("--token")
    {
        Description = "operator token for changing commands (default: BASKETBALL_OPS_TOKEN)",
        Recursive = true,
    };

    public OperatorCli(TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        _out = output;
        _error = error;
        _environment = environment;
    }

    /// <summary>Runs one command line, or the interactive prompt when it names no command; returns the exit code.</summary>
    public async Task<int> RunAsync(string[] args, TextReader input, CancellationToken cancellationToken)
    {
        var (target, rest) = SplitTarget(args);
        OpsClient client;
        try
        {
            client = OpsClient.Parse(target);
        }
        catch (FormatException ex)
        {
            return Fail(OpsExit.Usage, ex.Message);
        }

        if (!NamesACommand(rest))
            return await new InteractiveShell(this, client, _out, _error).RunAsync(rest, input, cancellationToken);

        IReadOnlyList<PaletteInfo> catalog;
        if (IsLocal(rest))
        {
            catalog = LocalCatalog;
        }
        else
        {
            try
            {
                catalog = await client.DescribeAsync(cancellationToken);
            }
            catch (OpsUnreachableException ex)
            {
                return Fail(OpsExit.Unreachable, ex.Message);
            }
        }
        return await RunCommandAsync(client, catalog, rest, cancellationToken);
    }

    /// <summary>The palettes that run inside the CLI, known without a node.</summary>
    public static IReadOnlyList<PaletteInfo> LocalCatalog { get; } =
        [new PaletteInfo("journal", [], "the journal as the source of truth", [OpsCatalog.JournalReplay])];

    internal async Task<int> RunCommandAsync(OpsClient client, IReadOnlyList<PaletteInfo> catalog, IReadOnlyList<string> tokens,
        CancellationToken cancellationToken)
    {
        var root = Build(client, catalog);
        var parsed = root.Parse(Normalize(tokens).ToArray());
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                _error.WriteLine($"error: {error.Message}");
            _error.WriteLine("see `help` or --help for the palettes and their commands");
            return OpsExit.Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = _out, Error = _error }, cancellationToken);
    }

    private RootCommand Build(OpsClient client, IReadOnlyList<PaletteInfo> catalog)
    {
        var root = new RootCommand("Basketball operator CLI: pbm's command language") { _json, _token };
        foreach (var palette in catalog)
        {
            var paletteCommand = new Command(palette.Name, palette.Description);
            foreach (var info in palette.Commands)
                paletteCommand.Subcommands.Add(BuildCommand(client, palette, info));
            root.Subcommands.Add(paletteCommand);
        }
        return root;
    }

    private Command BuildCommand(OpsClient client, PaletteInfo palette, CommandInfo info)
    {
        var command = new Command(info.Name, info.Description);
        var options = info.Options.Select(o => (o, option: new Option<string>(o.Name) { Description = o.Description, Required = o.Required })).ToArray();
        var arguments = info.Arguments.Select(a => new Argument<string>(a.Name) { Description = a.Description }).ToArray();
        foreach (var (_, option) in options)
            command.Options.Add(option);
        foreach (var argument in arguments)
            command.Arguments.Add(argument);
        command.SetAction(async (result, cancellationToken) =>
        {
            var values = options
                .Select(x => (x.o.Key, value: result.GetValue(x.option)))
                .Where(x => x.value is not null)
                .ToDictionary(x => x.Key, x => x.value!);
            var request = new OpsRequest(palette.Name, info.Name, values, arguments.Select(a => result.GetValue(a) ?? "").ToArray(),
                result.GetValue(_token) ?? _environment(OpsToken.Variable));
            var json = result.GetValue(_json);
            return info.Local
                ? await LocalCommands.RunAsync(request, _environment, output => Print(output, json, info.Streams), message => Fail(OpsExit.Failed, message, json),
                    cancellationToken)
                : await SendAsync(client, request, json, info.Streams, cancellationToken);
        });
        return command;
    }

    private async Task<int> SendAsync(OpsClient client, OpsRequest request, bool json, bool streams, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in client.SendAsync(request, cancellationToken))
            {
                switch (frame.Kind)
                {
                    case OpsFrame.OutputKind:
                        Print(new Printable(frame.Text ?? [], frame.Json), json, streams);
                        break;
                    case OpsFrame.EndKind when frame.Exit is not (null or OpsExit.Ok):
                        return Fail(frame.Exit.Value, frame.Error ?? "the command failed", json);
                    case OpsFrame.EndKind:
                        return OpsExit.Ok;
                }
            }
            return OpsExit.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return OpsExit.Ok; // Ctrl+C ends a `tail`
        }
        catch (OpsUnreachableException ex)
        {
            return Fail(OpsExit.Unreachable, ex.Message, json);
        }
    }

    internal sealed record Printable(IReadOnlyList<string> Text, JsonElement? Json);

    private void Print(Printable output, bool json, bool streams)
    {
        if (!json)
        {
            foreach (var line in output.Text)
                _out.WriteLine(line);
        }
        else if (output.Json is { } element)
        {
            // One document for an answer, one compact line per item for a stream (JSON Lines).
            _out.WriteLine(JsonSerializer.Serialize(element, streams ? OpsJson.Options : OpsJson.Indented));
        }
        _out.Flush();
    }

    internal int Fail(int exit, string message, bool json = false)
    {
        if (json)
            _out.WriteLine(JsonSerializer.Serialize(new { error = message, exit }, OpsJson.Options));
        _error.WriteLine($"error: {message}");
        return exit;
    }

    private static (string Target, string[] Remaining) SplitTarget(string[] args) =>
        args.Length > 0 && TargetPattern().IsMatch(args[0]) ? (args[0], args[1..]) : (DefaultTarget, args);

    /// <summary>pbm's alias: `cluster sharding …` is `cluster-sharding …`.</summary>
    internal static IEnumerable<string> Normalize(IReadOnlyList<string> tokens) =>
        tokens.Count >= 2 && tokens[0] == "cluster" && tokens[1] == "sharding" ? ["cluster-sharding", .. tokens.Skip(2)] : tokens;

    private static bool IsLocal(IReadOnlyList<string> tokens) =>
        tokens.Count >= 2 && tokens[0] == "journal" && tokens[1] == "replay";

    /// <summary>False for an empty line or only global options: then the interactive prompt starts.</summary>
    private static bool NamesACommand(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] == "--token")
                i++;
            else if (tokens[i] != "--json")
                return true;
        }
        return false;
    }

    [GeneratedRegex(@"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.\-]+):\d{1,5}$")]
    private static partial Regex TargetPattern();
}
