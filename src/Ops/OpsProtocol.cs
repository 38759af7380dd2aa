// The operator protocol between the CLI and a node's BASKETBALL_OPS endpoint: newline-delimited JSON over TCP.
// One request line per connection; the node answers with frames, one JSON object per line:
//   catalog  – the palettes it serves (answer to palette "" command "describe")
//   output   – text lines plus the same facts as JSON; one per result, many for `tail` commands
//   end      – the exit code and, when it is not 0, the error message; the node closes the connection after it
// A streaming command runs until the client closes its side.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Basketball.Ops;

public sealed record OpsRequest(
    string Palette,
    string Command,
    IReadOnlyDictionary<string, string>? Options = null,
    IReadOnlyList<string>? Arguments = null,
    string? Token = null)
{
    public const string DescribeCommand = "describe";

    public static OpsRequest Describe { get; } = new("", DescribeCommand);

    public string? Option(string name) => Options is not null && Options.TryGetValue(name, out var value) ? value : null;
}

public sealed record OpsFrame(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Text = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Json = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Exit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PaletteInfo>? Catalog = null)
{
    public const string CatalogKind = "catalog";
    public const string OutputKind = "output";
    public const string EndKind = "end";
}

public sealed record PaletteInfo(string Name, IReadOnlyList<string> Aliases, string Description, IReadOnlyList<CommandInfo> Commands);

/// <param name="Changes">Changes the system: refused without the token when the node has one.</param>
/// <param name="Streams">Answers with output frames until the client disconnects.</param>
/// <param name="Local">Runs inside the CLI (reads the journal directly); the node does not execute it.</param>
public sealed record CommandInfo(
    string Name,
    string Description,
    IReadOnlyList<OptionInfo> Options,
    IReadOnlyList<ArgumentInfo> Arguments,
    bool Changes = false,
    bool Streams = false,
    bool Local = false);

/// <param name="Name">As typed: <c>-a</c>, <c>--to-seq</c>. The request carries it without the dashes.</param>
public sealed record OptionInfo(string Name, string Description, bool Required = false, bool Flag = false)
{
    [JsonIgnore]
    public string Key => Name.TrimStart('-');
}

public sealed record ArgumentInfo(string Name, string Description);

/// <summary>Exit codes of the CLI and of the <c>end</c> frame.</summary>
public static class OpsExit
{
    public const int Ok = 0;
    /// <summary>The command ran and found a problem (not found, a difference, a refused change).</summary>
    public const int Failed = 1;
    /// <summary>The command line is wrong (unknown command, missing or bad option).</summary>
    public const int Usage = 2;
    /// <summary>A changing command without the right token.</summary>
    public const int Unauthorized = 3;
    /// <summary>The node could not be reached or broke the connection.</summary>
    public const int Unreachable = 4;
}

/// <summary>The variable that holds the token of changing commands: the node and the CLI read the same one.</summary>
public static class OpsToken
{
    public const string Variable = "BASKETBALL_OPS_TOKEN";
}

public static class OpsJson
{
    /// <summary>camelCase, enums as strings, nulls written (as the HTTP API does), compact (one frame per line).</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>The same, indented, for `--json` output a person reads too.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}
