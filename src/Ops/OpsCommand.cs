// What a palette is made of on the node: commands described for the CLI, each a function from an invocation to
// one output (queries, changes) or a sequence of outputs (`tail`).
using System.Globalization;

namespace Basketball.Ops;

/// <param name="Text">The human rendering, pbm's line formats.</param>
/// <param name="Json">The same facts for `--json` (serialized with <see cref="OpsJson.Options"/>).</param>
/// <param name="Exit">Not 0 when the answer itself is a finding (e.g. `journal verify` found a difference).</param>
public sealed record OpsOutput(IReadOnlyList<string> Text, object Json, int Exit = OpsExit.Ok);

public sealed record OpsCommand(CommandInfo Info, Func<OpsInvocation, CancellationToken, IAsyncEnumerable<OpsOutput>> Run)
{
    /// <summary>A command that answers once.</summary>
    public static OpsCommand Query(CommandInfo info, Func<OpsInvocation, CancellationToken, Task<OpsOutput>> run) =>
        new(info, (invocation, ct) => Once(() => run(invocation, ct)));

    // The command starts inside the enumeration, so whatever it throws reaches the dispatcher's handling.
    private static async IAsyncEnumerable<OpsOutput> Once(Func<Task<OpsOutput>> run)
    {
        yield return await run();
    }
}

public sealed record OpsPalette(PaletteInfo Info, IReadOnlyList<OpsCommand> Commands)
{
    public static OpsPalette Of(string name, string description, params OpsCommand[] commands) =>
        new(new PaletteInfo(name, [], description, commands.Select(c => c.Info).ToArray()), commands);

    public OpsPalette WithAliases(params string[] aliases) => this with { Info = Info with { Aliases = aliases } };
}

/// <summary>A command failed in a way the operator should read: the message is printed and the CLI exits with <see cref="Exit"/>.</summary>
public sealed class OpsCommandException(int exit, string message) : Exception(message)
{
    public int Exit { get; } = exit;

    public static OpsCommandException Usage(string message) => new(OpsExit.Usage, message);

    public static OpsCommandException Failed(string message) => new(OpsExit.Failed, message);
}

public sealed record OpsInvocation(OpsRequest Request, CommandInfo Command)
{
    public string? Option(string key) => Request.Option(key);

    public string Required(string key) =>
        Option(key) is { Length: > 0 } value
            ? value
            : throw OpsCommandException.Usage($"{Request.Palette} {Request.Command} needs {Describe(key)}");

    public int Int(string key, int fallback, int min = 1, int max = int.MaxValue)
    {
        var text = Option(key);
        if (text is null)
            return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw OpsCommandException.Usage($"{Describe(key)} must be a whole number from {min} to {max}, not '{text}'");
        return value;
    }

    /// <summary>The first positional argument (e.g. the id of `game show id`).</summary>
    public string Argument(string name) =>
        Request.Arguments is { Count: > 0 } arguments && !string.IsNullOrWhiteSpace(arguments[0])
            ? arguments[0]
            : throw OpsCommandException.Usage($"{Request.Palette} {Request.Command} needs <{name}>");

    private string Describe(string key) =>
        Command.Options.FirstOrDefault(o => o.Key == key) is { } option ? $"{option.Name} ({option.Description})" : key;
}
