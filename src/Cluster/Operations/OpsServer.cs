// The node's operator endpoint (BASKETBALL_OPS): a TCP listener speaking OpsProtocol. Loopback by default; a
// non-loopback bind refuses to start without BASKETBALL_OPS_TOKEN. Every client is bounded (OpsLimits): the size and
// time of its request line, the time an answer may wait unread, and the connections waiting or running at once.
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
    private const int FirstBufferBytes = 4 * 1024;
    private const string Usage = "send one JSON line {palette, command, options, arguments, token}";

    private readonly OpsEndpoint _endpoint;
    private readonly OpsLimits _limits;
    private readonly Lazy<Task<OpsDispatcher>> _dispatcher;
    private readonly ILogger<OpsServer> _logger;
    private readonly SemaphoreSlim _commands;
    // Connections still waiting for their request line, the longest-waiting first: each one's eviction switch.
    private readonly LinkedList<CancellationTokenSource> _waiting = new();
    private int _open;
    private TcpListener? _listener;

    /// <param name="dispatcher">Created on the first connection (the palettes need the running actor system).</param>
    public OpsServer(OpsEndpoint endpoint, OpsLimits limits, Func<Task<OpsDispatcher>> dispatcher, ILogger<OpsServer> logger)
    {
        _endpoint = endpoint;
        _limits = limits;
        _dispatcher = new Lazy<Task<OpsDispatcher>>(dispatcher);
        _logger = logger;
        _commands = new SemaphoreSlim(limits.MaxCommands);
    }

    /// <summary>Where the endpoint listens (port 0 in the settings becomes the real port); null before start.</summary>
    public IPEndPoint? BoundEndpoint => (IPEndPoint?)_listener?.LocalEndpoint;

    /// <summary>Connections open now, waiting or running a command.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

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
        Interlocked.Increment(ref _open);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            using (client)
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                var (request, problem) = await ReadRequestAsync(stream, connection.Token);
                if (request is null)
                {
                    if (problem is not null)
                        await WriteAsync(stream, new OpsFrame(OpsFrame.EndKind, Exit: OpsExit.Usage, Error: problem), connection.Token);
                    return;
                }
                if (!_commands.Wait(0, CancellationToken.None))
                {
                    await WriteAsync(stream, new OpsFrame(OpsFrame.EndKind, Exit: OpsExit.Failed,
                        Error: $"the node runs {_limits.MaxCommands} operator commands at once; try again"), connection.Token);
                    return;
                }
                try
                {
                    // The client closing its side ends streaming commands (`cluster tail`, `milestones tail`).
                    _ = WatchForCloseAsync(stream, connection);
                    var dispatcher = await _dispatcher.Value.WaitAsync(connection.Token);
                    await dispatcher.ExecuteAsync(request, frame => WriteAsync(stream, frame, connection.Token), connection.Token);
                }
                finally
                {
                    _commands.Release();
                }
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
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>
    /// The request line, or null and what to tell the client (null when it left without a word). The line is read into a
    /// buffer that grows only as bytes arrive, up to MaxRequestBytes; anything after the newline is ignored (one request per
    /// connection). A connection that sends nothing is closed after RequestTimeout, or sooner to make room for a new one.
    /// </summary>
    private async Task<(OpsRequest? Request, string? Problem)> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_limits.RequestTimeout);
        using var evicted = new CancellationTokenSource();
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, evicted.Token);
        var place = Wait(evicted);
        var buffer = new byte[Math.Min(FirstBufferBytes, _limits.MaxRequestBytes)];
        var length = 0;
        var end = -1;
        try
        {
            while (end < 0)
            {
                if (length == buffer.Length)
                {
                    if (length >= _limits.MaxRequestBytes)
                        return (null, $"the request line is over {_limits.MaxRequestBytes} bytes: {Usage}");
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, _limits.MaxRequestBytes));
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), reading.Token);
                if (read == 0)
                    break;
                end = Array.IndexOf(buffer, (byte)'\n', length, read);
                length += read;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, evicted.IsCancellationRequested
                ? $"closed to make room: {_limits.MaxWaiting} connections were waiting for their request line"
                : $"no request line within {_limits.RequestTimeout.TotalSeconds:0.#} s: {Usage}");
        }
        finally
        {
            Leave(place);
        }
        if (end >= 0)
            length = end;
        if (length == 0)
            return (null, end >= 0 ? $"the request line is empty: {Usage}" : null);
        return Parse(buffer.AsSpan(0, length));
    }

    private static (OpsRequest?, string?) Parse(ReadOnlySpan<byte> line)
    {
        OpsRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<OpsRequest>(line, OpsJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return (null, $"not an operator request ({ex.Message}): {Usage}");
        }
        // The JSON may hold nulls where the palettes expect text: refused here, not as a failure inside a command.
        if (request is null || request.Palette is null || request.Command is null
            || request.Arguments?.Any(a => a is null) == true || request.Options?.Values.Any(v => v is null) == true)
            return (null, $"not an operator request (palette and command must be strings, options and arguments hold strings): {Usage}");
        return (request, null);
    }

    /// <summary>Joins the waiting connections; the one waiting longest is closed when there are too many.</summary>
    private LinkedListNode<CancellationTokenSource> Wait(CancellationTokenSource evicted)
    {
        CancellationTokenSource? oldest = null;
        LinkedListNode<CancellationTokenSource> place;
        lock (_waiting)
        {
            if (_waiting.Count >= _limits.MaxWaiting)
            {
                oldest = _waiting.First!.Value;
                _waiting.RemoveFirst();
            }
            place = _waiting.AddLast(evicted);
        }
        oldest?.Cancel(); // outside the lock: cancelling runs the evicted read's callbacks
        return place;
    }

    private void Leave(LinkedListNode<CancellationTokenSource> place)
    {
        lock (_waiting)
        {
            if (place.List is not null)
                _waiting.Remove(place);
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

    /// <summary>One frame and its newline in one write. A client that leaves it unread for WriteTimeout is disconnected: the
    /// socket's buffers, not the node's memory, hold what it has not read, and its command slot is freed.</summary>
    private async Task WriteAsync(NetworkStream stream, OpsFrame frame, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, OpsJson.Options);
        Array.Resize(ref bytes, bytes.Length + 1);
        bytes[^1] = (byte)'\n';
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_limits.WriteTimeout);
        try
        {
            await stream.WriteAsync(bytes, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"the client read no answer within {_limits.WriteTimeout.TotalSeconds:0.#} s");
        }
    }
}
