// The CLI's side of OpsProtocol: one connection per request, frames read until the node's end frame.
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Basketball.Ops;

namespace Basketball.Cli;

public sealed class OpsUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class OpsClient(string host, int port)
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public string Target => $"{host}:{port}";

    /// <exception cref="FormatException">Not host:port.</exception>
    public static OpsClient Parse(string target)
    {
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new FormatException($"'{target}' is not host:port");
        return new OpsClient(target[..colon].Trim('[', ']'), port);
    }

    public async Task<IReadOnlyList<PaletteInfo>> DescribeAsync(CancellationToken cancellationToken)
    {
        await foreach (var frame in SendAsync(OpsRequest.Describe, cancellationToken))
        {
            if (frame.Kind == OpsFrame.CatalogKind && frame.Catalog is not null)
                return frame.Catalog;
        }
        throw new OpsUnreachableException($"{Target} answered without its catalog: is it a basketball operator endpoint?");
    }

    /// <summary>The frames of one request, the end frame last. Cancelling closes the connection (ends a `tail`).</summary>
    /// <exception cref="OpsUnreachableException">No connection, or it broke before the end frame.</exception>
    public async IAsyncEnumerable<OpsFrame> SendAsync(OpsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(ConnectTimeout);
            await client.ConnectAsync(host, port, connect.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new OpsUnreachableException($"cannot reach the operator endpoint at {Target}: {Reason(ex)}", ex);
        }

        var stream = client.GetStream();
        await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(request, OpsJson.Options), cancellationToken);
        await stream.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await stream.FlushAsync(cancellationToken);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken);
            }
            catch (IOException ex)
            {
                throw new OpsUnreachableException($"{Target} broke the connection: {ex.Message}", ex);
            }
            if (line is null)
                throw new OpsUnreachableException($"{Target} closed the connection before the end of the answer");
            if (line.Length == 0)
                continue;
            var frame = JsonSerializer.Deserialize<OpsFrame>(line, OpsJson.Options)
                        ?? throw new OpsUnreachableException($"{Target} sent an empty frame");
            yield return frame;
            if (frame.Kind == OpsFrame.EndKind)
                yield break;
        }
    }

    private static string Reason(Exception ex) => ex switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused (is the node running, with BASKETBALL_OPS there?)",
        OperationCanceledException => $"no connection within {ConnectTimeout.TotalSeconds:0} s",
        _ => ex.Message,
    };
}
