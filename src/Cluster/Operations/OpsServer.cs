// The node's operator endpoint (BASKETBALL_OPS): a TCP listener speaking OpsProtocol. Loopback by default; a
// non-loopback bind refuses to start without BASKETBALL_OPS_TOKEN.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Basketball.Ops;

namespace Basketball.Cluster.Operations;

public sealed record OpsEndpoint(IPEndPoint Bind, string? Token)
{
    /// <exception cref="InvalidOperationException">Not ip:port, or a non-loopback bind without a token.</exception>
    public static OpsEndpoint Parse(string address, string? token)
    {
        var text = address.Trim();
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
            text = "127.0.0.1" + text["localhost".Length..];
        if (!IPEndPoint.TryParse(text, out var bind) || !text.Contains(':'))
            throw new InvalidOperationException($"BASKETBALL_OPS must be ip:port (e.g. 127.0.0.1:9110), not '{address}'");
        if (!IPAddress.IsLoopback(bind.Address) && string.IsNullOrEmpty(token))
            throw new InvalidOperationException(
                $"BASKETBALL_OPS binds {bind}, which is reachable from other machines: set BASKETBALL_OPS_TOKEN, or bind a loopback address");
        return new OpsEndpoint(bind, string.IsNullOrEmpty(token) ? null : token);
    }
}

public sealed class OpsServer : BackgroundService
{
    private const int MaxRequestBytes = 64 * 1024;
    private const int MaxConnections = 64;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly OpsEndpoint _endpoint;
    private readonly Lazy<Task<OpsDispatcher>> _dispatcher;
    private readonly ILogger<OpsServer> _logger;
    private readonly SemaphoreSlim _connections = new(MaxConnections);
    private TcpListener? _listener;

    /// <param name="dispatcher">Created on the first connection (the palettes need the running actor system).</param>
    public OpsServer(OpsEndpoint endpoint, Func<Task<OpsDispatcher>> dispatcher, ILogger<OpsServer> logger)
    {
        _endpoint = endpoint;
        _dispatcher = new Lazy<Task<OpsDispatcher>>(dispatcher);
        _logger = logger;
    }

    /// <summary>Where the endpoint listens (port 0 in the settings becomes the real port); null before start.</summary>
    public IPEndPoint? BoundEndpoint => (IPEndPoint?)_listener?.LocalEndpoint;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Bind before the host reports started, so a taken port fails the start instead of a silent background error.
        _listener = new TcpListener(_endpoint.Bind);
        _listener.Start();
        _logger.LogInformation("Operator endpoint listening on {Endpoint}{Token}", BoundEndpoint,
            _endpoint.Token is null ? "" : " (changing commands need the token)");
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken);
                if (!_connections.Wait(0, CancellationToken.None))
                {
                    _ = RefuseAsync(client);
                    continue;
                }
                running.RemoveAll(t => t.IsCompleted);
                running.Add(ServeAsync(client, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            listener.Stop();
            await Task.WhenAll(running);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stopping)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            using (client)
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, connection.Token);
                if (request is null)
                {
                    await WriteAsync(stream, new OpsFrame(OpsFrame.EndKind, Exit: OpsExit.Usage,
                        Error: "not an operator request: send one JSON line {palette, command, options, arguments, token}"), connection.Token);
                    return;
                }

                // The client closing its side ends streaming commands (`cluster tail`, `milestones tail`).
                _ = WatchForCloseAsync(stream, connection);
                var dispatcher = await _dispatcher.Value.WaitAsync(connection.Token);
                await dispatcher.ExecuteAsync(request, frame => WriteAsync(stream, frame, connection.Token), connection.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug(ex, "Operator connection ended early");
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Operator connection failed");
        }
        finally
        {
            _connections.Release();
        }
    }

    private static async Task<OpsRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        // Read in chunks until the line ends; anything after the newline is ignored (one request per connection).
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        int end;
        while ((end = Array.IndexOf(buffer, (byte)'\n', 0, length)) < 0 && length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token);
            if (read == 0)
                break;
            length += read;
        }
        if (end >= 0)
            length = end;
        else if (length == buffer.Length)
            return null; // over the limit without a newline
        try
        {
            return length == 0 ? null : JsonSerializer.Deserialize<OpsRequest>(buffer.AsSpan(0, length), OpsJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task WatchForCloseAsync(NetworkStream stream, CancellationTokenSource connection)
    {
        var buffer = new byte[256];
        try
        {
            while (await stream.ReadAsync(buffer, connection.Token) > 0)
            {
                // nothing else is expected after the request line
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        await connection.CancelAsync();
    }

    private static async Task WriteAsync(NetworkStream stream, OpsFrame frame, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(frame, OpsJson.Options), cancellationToken);
        await stream.WriteAsync(NewLine, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private static async Task RefuseAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await WriteAsync(client.GetStream(), new OpsFrame(OpsFrame.EndKind, Exit: OpsExit.Failed,
                    Error: $"the node serves {MaxConnections} operator connections at once; try again"), CancellationToken.None);
            }
            catch (IOException)
            {
            }
        }
    }
}
