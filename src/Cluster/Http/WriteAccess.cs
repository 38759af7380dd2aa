// Who may post events into the league (POST /api/events). With BASKETBALL_API_TOKEN set, a request must carry
// `Authorization: Bearer <token>`; without one, only a node whose HTTP endpoint listens on loopback accepts posts
// (a developer's machine), and a node reachable from the network refuses them rather than let anyone write.
// The read endpoints are never affected.
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Basketball.Cluster.Http;

public sealed class WriteAccess
{
    public const string TokenVariable = "BASKETBALL_API_TOKEN";

    private readonly byte[]? _tokenHash;

    private WriteAccess(byte[]? tokenHash, string? refusal)
    {
        _tokenHash = tokenHash;
        Refusal = refusal;
    }

    /// <summary>Why every post is refused (a non-loopback endpoint without a token), or null when posts are allowed.</summary>
    public string? Refusal { get; }

    public bool RequiresToken => _tokenHash is not null;

    /// <param name="httpUrl">BASKETBALL_HTTP, the address the node listens on.</param>
    public static WriteAccess For(string httpUrl, string? token)
    {
        if (!string.IsNullOrEmpty(token))
            return new WriteAccess(SHA256.HashData(Encoding.UTF8.GetBytes(token)), null);
        return IsLoopback(httpUrl)
            ? new WriteAccess(null, null)
            : new WriteAccess(null, $"POST /api/events is refused: the node listens on {httpUrl}, which is not a loopback address, "
                + $"and {TokenVariable} is not set. Set {TokenVariable} and send 'Authorization: Bearer <token>'.");
    }

    /// <summary>Null when the request may write; otherwise the answer (401 or 403, a JSON error).</summary>
    public IResult? Check(HttpRequest request)
    {
        if (Refusal is not null)
            return Results.Json(new ErrorBody("forbidden", Refusal), statusCode: StatusCodes.Status403Forbidden);
        if (_tokenHash is null)
            return null;
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        // Compared as hashes of equal length in constant time: neither the content nor the length of the token leaks.
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()))
            : null;
        if (presented is not null && CryptographicOperations.FixedTimeEquals(presented, _tokenHash))
            return null;
        request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Json(new ErrorBody("unauthorized", presented is null
                ? $"POST /api/events needs 'Authorization: Bearer <token>' ({TokenVariable} is set on this node)"
                : "the bearer token is not this node's API token"),
            statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>localhost, 127.0.0.0/8 and ::1; a wildcard (0.0.0.0, [::], *, +) or any other name is reachable from outside.</summary>
    internal static bool IsLoopback(string httpUrl)
    {
        var host = httpUrl;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
            host = host[(scheme + 3)..];
        var slash = host.IndexOf('/');
        if (slash >= 0)
            host = host[..slash];
        if (host.StartsWith('['))
            host = host[1..host.IndexOf(']')];
        else if (host.LastIndexOf(':') is var colon and > 0)
            host = host[..colon];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
