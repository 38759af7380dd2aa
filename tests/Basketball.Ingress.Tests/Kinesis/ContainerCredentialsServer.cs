// A local container-credentials endpoint (what ECS and EKS Pod Identity serve at AWS_CONTAINER_CREDENTIALS_*_URI):
// every fetch hands out new temporary keys with a short life, so a client must come back for more.
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Basketball.Ingress.Tests.Kinesis;

public sealed class ContainerCredentialsServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _authorizationToken;
    private readonly Func<TimeSpan> _lifetime;
    private readonly Task _loop;
    private int _fetches;

    /// <param name="lifetime">How long each issued key lives (its Expiration is now + this).</param>
    public ContainerCredentialsServer(string authorizationToken, Func<TimeSpan> lifetime)
    {
        _authorizationToken = authorizationToken;
        _lifetime = lifetime;
        Uri = new Uri($"http://127.0.0.1:{FreePort.Next()}/v2/credentials/league-task");
        _listener.Prefixes.Add($"http://127.0.0.1:{Uri.Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Uri { get; }

    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>Every key issued: access key id → (secret, session token, expiration).</summary>
    public ConcurrentDictionary<string, (string Secret, string Token, DateTimeOffset Expiration)> Issued { get; } = new();

    public int UnauthorizedFetches { get; private set; }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var response = context.Response;
            byte[] body;
            if (context.Request.Headers["Authorization"] != _authorizationToken || context.Request.Url!.AbsolutePath != Uri.AbsolutePath)
            {
                UnauthorizedFetches++;
                response.StatusCode = 401;
                body = Encoding.UTF8.GetBytes("""{"message":"unauthorized"}""");
            }
            else
            {
                var n = Interlocked.Increment(ref _fetches);
                var expiration = DateTimeOffset.UtcNow + _lifetime();
                var key = $"ASIATEST{n:D4}";
                Issued[key] = ($"temporary-secret-{n}", $"session-token-{n}", expiration);
                body = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    AccessKeyId = key, SecretAccessKey = $"temporary-secret-{n}", Token = $"session-token-{n}",
                    Expiration = expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                });
            }
            response.ContentType = "application/json";
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body);
            response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
