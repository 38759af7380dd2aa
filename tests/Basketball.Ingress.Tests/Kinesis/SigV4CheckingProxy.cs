// A local stand-in for the AWS front door: it checks every request's SigV4 signature the way AWS does (the
// canonical request rebuilt here from what arrived, the signature computed by AWSSDK.Core's own signer with the
// secret it knows for the key id), answers 403 like AWS when it does not verify, and forwards good ones to
// kinesalite, which does not check signatures.
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Basketball.Ingress.Tests.Kinesis;

public sealed partial class SigV4CheckingProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Uri _target;
    private readonly Func<string, (string Secret, string? Token)?> _secretOf;
    private readonly Task _loop;

    /// <param name="secretOf">The secret (and session token, if any) the proxy knows for an access key id.</param>
    public SigV4CheckingProxy(Uri target, Func<string, (string Secret, string? Token)?> secretOf)
    {
        _target = target;
        _secretOf = secretOf;
        var port = FreePort.Next();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Access key ids of the requests that verified, in arrival order.</summary>
    public ConcurrentQueue<string> Verified { get; } = new();

    /// <summary>Why each refused request was refused.</summary>
    public ConcurrentQueue<string> Refused { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body);
        var payload = body.ToArray();
        try
        {
            var problem = Verify(request, payload, out var accessKey);
            if (problem is not null)
            {
                Refused.Enqueue(problem);
                await AnswerAsync(context.Response, 403, "application/x-amz-json-1.1",
                    Encoding.UTF8.GetBytes($$"""{"__type":"InvalidSignatureException","message":"{{problem.Replace("\"", "'")}}"}"""));
                return;
            }
            Verified.Enqueue(accessKey!);

            using var forward = new HttpRequestMessage(HttpMethod.Post, _target) { Content = new ByteArrayContent(payload) };
            forward.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            foreach (var name in new[] { "X-Amz-Target", "X-Amz-Date", "Authorization", "X-Amz-Security-Token" })
                if (request.Headers[name] is { } value) forward.Headers.TryAddWithoutValidation(name, value);
            using var answer = await _upstream.SendAsync(forward);
            await AnswerAsync(context.Response, (int)answer.StatusCode,
                answer.Content.Headers.ContentType?.ToString() ?? "application/x-amz-json-1.1", await answer.Content.ReadAsByteArrayAsync());
        }
        catch (Exception e) when (e is HttpRequestException or IOException or HttpListenerException or TaskCanceledException)
        {
            try { await AnswerAsync(context.Response, 502, "text/plain", Encoding.UTF8.GetBytes(e.Message)); }
            catch (Exception) when (true) { /* the node hung up; it retries on its own */ }
        }
    }

    private static async Task AnswerAsync(HttpListenerResponse response, int status, string contentType, byte[] content)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = content.Length;
        await response.OutputStream.WriteAsync(content);
        response.Close();
    }

    /// <summary>Null when the signature verifies; else why not.</summary>
    private string? Verify(HttpListenerRequest request, byte[] payload, out string? accessKey)
    {
        accessKey = null;
        var authorization = request.Headers["Authorization"];
        var match = authorization is null ? null : AuthorizationPattern().Match(authorization);
        if (match is null || !match.Success) return $"malformed or missing Authorization: {authorization}";
        accessKey = match.Groups["key"].Value;
        var (date, region, service) = (match.Groups["date"].Value, match.Groups["region"].Value, match.Groups["service"].Value);
        var signedHeaders = match.Groups["signed"].Value;
        if (_secretOf(accessKey) is not { } known) return $"unknown access key {accessKey}";
        if (request.Headers["X-Amz-Security-Token"] != known.Token)
            return $"session token of {accessKey} is '{request.Headers["X-Amz-Security-Token"]}', expected '{known.Token}'";
        var amzDate = request.Headers["X-Amz-Date"] ?? "";
        if (!amzDate.StartsWith(date, StringComparison.Ordinal)) return "X-Amz-Date is not the credential scope's date";

        // The canonical request of a Kinesis call (POST /, no query): each signed header, lower-case name, trimmed value.
        var canonicalHeaders = new StringBuilder();
        foreach (var name in signedHeaders.Split(';'))
        {
            var value = name == "host" ? request.UserHostName : request.Headers[name];
            if (value is null) return $"signed header {name} is missing";
            canonicalHeaders.Append(name).Append(':').Append(value.Trim()).Append('\n');
        }
        var canonicalRequest = string.Join('\n', request.HttpMethod, request.Url!.AbsolutePath, request.Url.Query.TrimStart('?'),
            canonicalHeaders.ToString(), signedHeaders, Convert.ToHexStringLower(SHA256.HashData(payload)));
        var time = DateTime.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        var expected = Amazon.Runtime.Internal.Auth.AWS4Signer.ComputeSignature(
            accessKey, known.Secret, region, time, service, signedHeaders, canonicalRequest);
        return expected.Signature == match.Groups["signature"].Value ? null : $"signature of {accessKey} does not verify";
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
        _upstream.Dispose();
    }
}
