// AWS Signature Version 4 (HMAC-SHA256): canonical request → string to sign → signature → Authorization header.
// Written against the public SigV4 test suite; the Kinesis client signs every attempt with service "kinesis".
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Basketball.Kinesis;

/// <summary>What a signer produced, step by step (the intermediate strings are what the test suite checks).</summary>
public sealed record SigV4Signature(
    string AmzDate,
    string CanonicalRequest,
    string StringToSign,
    string Signature,
    string SignedHeaders,
    string Authorization);

public sealed class AwsSigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    private const string Terminator = "aws4_request";

    public AwsSigV4Signer(string region, string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        Region = region;
        Service = service;
    }

    public string Region { get; }
    public string Service { get; }

    public static string FormatAmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Signs a request whose headers are all given (they must include <c>host</c> and <c>x-amz-date</c>; every
    /// given header is signed). <paramref name="pathAndQuery"/> is the request target as sent, e.g. <c>/?a=b</c>.
    /// </summary>
    public SigV4Signature Sign(
        string method,
        string pathAndQuery,
        IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> payload,
        AwsCredentials credentials,
        DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var amzDate = FormatAmzDate(time);
        var dateStamp = amzDate[..8];

        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(headers);
        var (path, query) = SplitTarget(pathAndQuery);
        var canonicalRequest = string.Join('\n',
            method.ToUpperInvariant(),
            CanonicalUri(path),
            CanonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            HexSha256(payload));

        var scope = $"{dateStamp}/{Region}/{Service}/{Terminator}";
        var stringToSign = string.Join('\n',
            Algorithm,
            amzDate,
            scope,
            HexSha256(Encoding.UTF8.GetBytes(canonicalRequest)));

        var signingKey = SigningKey(credentials.SecretAccessKey, dateStamp, Region, Service);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        var authorization =
            $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Signature(amzDate, canonicalRequest, stringToSign, signature, signedHeaders, authorization);
    }

    /// <summary>
    /// Signs an outgoing request in place: adds <c>X-Amz-Date</c> (and <c>X-Amz-Security-Token</c> for temporary
    /// credentials), signs host, content-type and every <c>x-amz-*</c> header, and sets <c>Authorization</c>.
    /// </summary>
    public SigV4Signature SignRequest(HttpRequestMessage request, ReadOnlySpan<byte> body, AwsCredentials credentials, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        if (!uri.IsAbsoluteUri) throw new ArgumentException("The request URI must be absolute.", nameof(request));

        var amzDate = FormatAmzDate(time);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.Remove("X-Amz-Security-Token");
        if (!string.IsNullOrEmpty(credentials.SessionToken))
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.SessionToken);

        var toSign = new List<KeyValuePair<string, string>> { new("host", request.Headers.Host ?? uri.Authority) };
        if (request.Content?.Headers.ContentType is { } contentType)
            toSign.Add(new("content-type", contentType.ToString()));
        foreach (var header in request.Headers)
        {
            if (header.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
                toSign.Add(new(header.Key, string.Join(',', header.Value)));
        }

        var signature = Sign(request.Method.Method, uri.PathAndQuery, toSign, body, credentials, time);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return signature;
    }

    public static byte[] SigningKey(string secretAccessKey, string dateStamp, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(dateStamp));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Terminator));
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static (string Path, string Query) SplitTarget(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?');
        return q < 0 ? (pathAndQuery, string.Empty) : (pathAndQuery[..q], pathAndQuery[(q + 1)..]);
    }

    // Lower-case names, sorted ordinally; values trimmed with inner runs of spaces collapsed; repeated names joined by ','.
    private static (string Canonical, string Signed) CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!byName.TryGetValue(key, out var values)) byName[key] = values = [];
            values.Add(CollapseSpaces(value));
        }

        var canonical = new StringBuilder();
        foreach (var (name, values) in byName)
            canonical.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        return (canonical.ToString(), string.Join(';', byName.Keys));
    }

    private static string CollapseSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        var previousWasSpace = false;
        foreach (var c in value.Trim())
        {
            var isSpace = c == ' ';
            if (!(isSpace && previousWasSpace)) builder.Append(c);
            previousWasSpace = isSpace;
        }
        return builder.ToString();
    }

    // Each path segment URI-encoded once (unreserved characters kept); an empty path is "/".
    private static string CanonicalUri(string path)
    {
        if (string.IsNullOrEmpty(path)) return "/";
        var segments = path.Split('/').Select(s => UriEncode(Uri.UnescapeDataString(s)));
        return string.Join('/', segments);
    }

    // Parameters sorted by encoded name, then encoded value; both RFC 3986 encoded; a bare name gets "=".
    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query)) return string.Empty;
        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(part =>
            {
                var eq = part.IndexOf('=');
                var name = eq < 0 ? part : part[..eq];
                var value = eq < 0 ? string.Empty : part[(eq + 1)..];
                return (Name: UriEncode(Uri.UnescapeDataString(name)), Value: UriEncode(Uri.UnescapeDataString(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.Name}={p.Value}"));
    }

    private static string UriEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~')
                builder.Append(c);
            else
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
