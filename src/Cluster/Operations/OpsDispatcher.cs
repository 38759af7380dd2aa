// Checks a request against the catalog (palette, command, options, token) and runs it, writing frames.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Basketball.Ops;

namespace Basketball.Cluster.Operations;

public sealed class OpsDispatcher
{
    private readonly IReadOnlyList<OpsPalette> _palettes;
    private readonly byte[]? _token;
    private readonly ILogger _logger;

    /// <param name="token">BASKETBALL_OPS_TOKEN; null or empty: changing commands need none.</param>
    public OpsDispatcher(IEnumerable<OpsPalette> palettes, string? token, ILogger<OpsDispatcher> logger)
    {
        _palettes = palettes.ToArray();
        _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);
        _logger = logger;
    }

    public IReadOnlyList<PaletteInfo> Catalog => _palettes.Select(p => p.Info).ToArray();

    /// <returns>The exit code sent in the end frame.</returns>
    public async Task<int> ExecuteAsync(OpsRequest request, Func<OpsFrame, Task> write, CancellationToken cancellationToken)
    {
        if (request.Palette.Length == 0 && request.Command == OpsRequest.DescribeCommand)
        {
            await write(new OpsFrame(OpsFrame.CatalogKind, Catalog: Catalog));
            return await End(write, OpsExit.Ok, null);
        }

        OpsCommand command;
        try
        {
            command = Resolve(request);
        }
        catch (OpsCommandException refused)
        {
            return await End(write, refused.Exit, refused.Message);
        }

        var invocation = new OpsInvocation(request, command.Info);
        await using var outputs = command.Run(invocation, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var exit = OpsExit.Ok;
        while (true)
        {
            try
            {
                if (!await outputs.MoveNextAsync())
                    break;
            }
            catch (OpsCommandException failed)
            {
                return await End(write, failed.Exit, failed.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return OpsExit.Ok; // the client left (the end of every `tail`) or the node stops
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Operator command {Palette} {Command} failed", request.Palette, request.Command);
                return await End(write, OpsExit.Failed, $"{request.Palette} {request.Command} failed: {ex.Message}");
            }

            var output = outputs.Current;
            exit = Math.Max(exit, output.Exit);
            await write(new OpsFrame(OpsFrame.OutputKind, output.Text, JsonSerializer.SerializeToElement(output.Json, output.Json.GetType(), OpsJson.Options)));
        }
        return await End(write, exit, null);
    }

    private OpsCommand Resolve(OpsRequest request)
    {
        var palette = _palettes.FirstOrDefault(p => p.Info.Name == request.Palette || p.Info.Aliases.Contains(request.Palette))
                      ?? throw OpsCommandException.Usage(
                          $"unknown palette '{request.Palette}'; palettes: {string.Join(", ", _palettes.Select(p => p.Info.Name))}");
        var command = palette.Commands.FirstOrDefault(c => c.Info.Name == request.Command)
                      ?? throw OpsCommandException.Usage(
                          $"unknown command '{palette.Info.Name} {request.Command}'; commands: {string.Join(", ", palette.Commands.Select(c => c.Info.Name))}");
        var info = command.Info;
        var name = $"{palette.Info.Name} {info.Name}";
        if (info.Local)
            throw OpsCommandException.Usage($"{name} runs in the CLI (it reads the journal directly), not on a node");

        foreach (var key in request.Options?.Keys ?? [])
        {
            if (info.Options.All(o => o.Key != key))
                throw OpsCommandException.Usage(
                    $"{name} has no option '{key}'; options: {(info.Options.Count == 0 ? "none" : string.Join(", ", info.Options.Select(o => o.Name)))}");
        }
        foreach (var option in info.Options.Where(o => o.Required))
        {
            if (string.IsNullOrEmpty(request.Option(option.Key)))
                throw OpsCommandException.Usage($"{name} needs {option.Name} ({option.Description})");
        }

        if (info.Changes && _token is not null && !TokenMatches(request.Token))
        {
            throw new OpsCommandException(OpsExit.Unauthorized, request.Token is null
                ? $"{name} changes the system: this node requires the operator token (pass --token or set BASKETBALL_OPS_TOKEN)"
                : $"{name} changes the system: the operator token is wrong");
        }
        return command;
    }

    private bool TokenMatches(string? token) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _token);

    private static async Task<int> End(Func<OpsFrame, Task> write, int exit, string? error)
    {
        await write(new OpsFrame(OpsFrame.EndKind, Exit: exit, Error: error));
        return exit;
    }
}
