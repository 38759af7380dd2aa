// The interactive prompt `[host:port] pbm> `: help, history (kept in ~/.basketball-cli-history) and completion
// from the node's catalog. With a terminal it edits lines itself; with redirected input it reads plain lines.
using System.Text;
using Basketball.Ops;

namespace Basketball.Cli;

public sealed class InteractiveShell
{
    private const int HistoryLimit = 500;

    private readonly OperatorCli _cli;
    private readonly OpsClient _client;
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private IReadOnlyList<PaletteInfo> _catalog = OperatorCli.LocalCatalog;
    private bool _connected;

    public InteractiveShell(OperatorCli cli, OpsClient client, TextWriter output, TextWriter error)
    {
        _cli = cli;
        _client = client;
        _out = output;
        _error = error;
    }

    public string Prompt => $"[{_client.Target}] pbm> ";

    /// <param name="globals">Options typed after the address (--token, --json), applied to every command.</param>
    public async Task<int> RunAsync(IReadOnlyList<string> globals, TextReader input, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);
        var terminal = ReferenceEquals(input, Console.In) && !Console.IsInputRedirected;
        var history = terminal ? LoadHistory() : [];
        var editor = new LineEditor(history, before => Completion.Candidates(_catalog, before));
        var last = OpsExit.Ok;
        while (!cancellationToken.IsCancellationRequested)
        {
            var line = terminal ? ReadLine(editor) : ReadPlain(input);
            if (line is null)
                break;
            var words = Split(line);
            if (words.Count == 0)
                continue;
            if (words[0] is "exit" or "quit")
                break;
            if (words[0] == "help")
            {
                PrintHelp(words.Count > 1 ? words[1] : null);
                continue;
            }
            if (!_connected)
                await ConnectAsync(cancellationToken);
            last = await _cli.RunCommandAsync(_client, _catalog, [.. words, .. globals], cancellationToken);
        }
        if (terminal)
            SaveHistory(history);
        return last;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var remote = await _client.DescribeAsync(cancellationToken);
            _catalog = remote;
            _connected = true;
            _out.WriteLine($"connected to {_client.Target}: {remote.Count} palettes; `help` lists them, Tab completes, `exit` leaves");
        }
        catch (OpsUnreachableException ex)
        {
            _error.WriteLine($"error: {ex.Message}");
            _error.WriteLine("only `journal replay` (it reads the database directly) works until the node answers");
        }
    }

    private string? ReadPlain(TextReader input)
    {
        _out.Write(Prompt);
        _out.Flush();
        var line = input.ReadLine();
        if (line is not null)
            _out.WriteLine(line);
        return line;
    }

    private string? ReadLine(LineEditor editor)
    {
        editor.Reset();
        Console.TreatControlCAsInput = true;
        try
        {
            Draw(editor);
            while (true)
            {
                switch (editor.Handle(Console.ReadKey(intercept: true)))
                {
                    case EditOutcome.Submit:
                        _out.WriteLine();
                        return editor.Buffer;
                    case EditOutcome.Cancel:
                        _out.WriteLine("^C");
                        editor.Reset();
                        break;
                    case EditOutcome.EndOfInput:
                        _out.WriteLine();
                        return null;
                    case EditOutcome.ShowCandidates:
                        _out.WriteLine();
                        _out.WriteLine(string.Join("  ", editor.Candidates));
                        break;
                }
                Draw(editor);
            }
        }
        finally
        {
            Console.TreatControlCAsInput = false;
        }
    }

    private void Draw(LineEditor editor)
    {
        var back = editor.Buffer.Length - editor.Cursor;
        _out.Write($"\r{Prompt}{editor.Buffer}\u001b[K{(back > 0 ? $"\u001b[{back}D" : "")}");
        _out.Flush();
    }

    private void PrintHelp(string? paletteName)
    {
        var palettes = paletteName is null
            ? _catalog
            : _catalog.Where(p => p.Name == paletteName || p.Aliases.Contains(paletteName)).ToArray();
        if (palettes.Count == 0)
        {
            _error.WriteLine($"error: no palette '{paletteName}'; palettes: {string.Join(", ", _catalog.Select(p => p.Name))}");
            return;
        }
        foreach (var palette in palettes)
        {
            _out.WriteLine($"{palette.Name}{(palette.Aliases.Count > 0 ? $" (alias: {string.Join(", ", palette.Aliases)})" : "")} — {palette.Description}");
            foreach (var command in palette.Commands)
            {
                var usage = string.Join(" ", command.Arguments.Select(a => $"<{a.Name}>")
                    .Concat(command.Options.Select(o => o.Required ? $"{o.Name} <value>" : $"[{o.Name} <value>]")));
                var notes = (command.Changes ? " [needs the token]" : "") + (command.Streams ? " [streams; Ctrl+C stops]" : "") +
                            (command.Local ? " [runs in the CLI]" : "");
                _out.WriteLine($"  {palette.Name} {command.Name}{(usage.Length > 0 ? " " + usage : "")}{notes}");
                _out.WriteLine($"      {command.Description}");
            }
        }
        _out.WriteLine("every command takes --json; `exit` leaves");
    }

    /// <summary>Splits a command line into words; double or single quotes keep spaces inside a word.</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in line)
        {
            if (quote is not null)
            {
                if (c == quote)
                    quote = null;
                else
                    word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        return words;
    }

    private static string HistoryPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".basketball-cli-history");

    private static List<string> LoadHistory()
    {
        try
        {
            return File.Exists(HistoryPath) ? File.ReadAllLines(HistoryPath).TakeLast(HistoryLimit).ToList() : [];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static void SaveHistory(List<string> history)
    {
        try
        {
            File.WriteAllLines(HistoryPath, history.TakeLast(HistoryLimit));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // history is a convenience; a read-only home must not break the CLI
        }
    }
}
