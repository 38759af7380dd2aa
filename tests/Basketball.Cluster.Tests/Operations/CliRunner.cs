// Runs the operator CLI in the test process (real TCP to a real node), capturing what it prints.
using System.Text.Json;
using Basketball.Cli;

namespace Basketball.Cluster.Tests.Operations;

public sealed record CliResult(int Exit, string Out, string Error)
{
    public IReadOnlyList<string> Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

public static class CliRunner
{
    /// <param name="args">Exactly what an operator types after the CLI's name.</param>
    public static async Task<CliResult> RunAsync(params string[] args) => await RunAsync(args, input: null, CancellationToken.None);

    /// <param name="output">Pass one to watch a streaming command's output while it runs.</param>
    public static async Task<CliResult> RunAsync(string[] args, string? input, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null, ConcurrentWriter? output = null)
    {
        output ??= new ConcurrentWriter();
        var error = new ConcurrentWriter();
        var cli = new OperatorCli(output, error, name => environment?.GetValueOrDefault(name));
        var exit = await cli.RunAsync(args, new StringReader(input ?? ""), cancellationToken);
        return new CliResult(exit, output.Text, error.Text);
    }
}

/// <summary>A TextWriter that can be read while another thread writes to it.</summary>
public sealed class ConcurrentWriter : TextWriter
{
    private readonly System.Text.StringBuilder _text = new();

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_text)
                return _text.ToString();
        }
    }

    public override void Write(char value)
    {
        lock (_text)
            _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text)
            _text.Append(value);
    }
}
