// HTTP/1.1 over a plain socket, so a test sends exactly the request target it means: HttpClient and System.Uri would
// re-encode "%zz", "%" or "%C0%AF" before they leave the process.
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Basketball.Cluster.Tests.Http;

public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The body's "error" code when it is a JSON ErrorBody, else null.</summary>
    public string? ErrorCode
    {
        get
        {
            try
            {
                using var json = JsonDocument.Parse(Body);
                return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error)
                       && json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                    ? error.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public override string ToString() => $"{Status} {(Text.Length > 300 ? Text[..300] + "…" : Text)}";
}

public static class RawHttp
{
    /// <summary>More than any answer of these tests should be: reading stops here, and the test sees a truncated body.</summary>
    public const int MaxResponseBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static RawResponse Send(Uri server, string method, string target, byte[]? body = null, bool chunked = false,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.ReceiveTimeout = socket.SendTimeout = (int)Timeout.TotalMilliseconds;
        socket.Connect(new IPEndPoint(IPAddress.Loopback, server.Port));
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            head.Append($"{name}: {value}\r\n");
        if (body is not null)
            head.Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n").Append("Content-Type: application/json\r\n");
        head.Append("\r\n");
        stream.Write(Encoding.ASCII.GetBytes(head.ToString()));
        try
        {
            if (body is not null && chunked)
            {
                for (var offset = 0; offset < body.Length; offset += 64 * 1024)
                {
                    var length = Math.Min(64 * 1024, body.Length - offset);
                    stream.Write(Encoding.ASCII.GetBytes($"{length:X}\r\n"));
                    stream.Write(body, offset, length);
                    stream.Write("\r\n"u8);
                }
                stream.Write("0\r\n\r\n"u8);
            }
            else if (body is not null)
            {
                stream.Write(body);
            }
        }
        catch (IOException)
        {
            // The server may answer (413) and close before the whole body is sent: its answer is read below.
        }
        return Read(stream);
    }

    private static RawResponse Read(Stream stream)
    {
        using var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while (all.Length < MaxResponseBytes && (read = stream.Read(buffer)) > 0)
                all.Write(buffer, 0, read);
        }
        catch (IOException) when (all.Length > 0)
        {
            // a reset after the answer (the server closed with our body unread)
        }
        var bytes = all.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
            throw new IOException($"no HTTP answer: {Encoding.ASCII.GetString(bytes)}");
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = bytes[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked"))
            body = Dechunk(body);
        return new RawResponse(status, headers, body);
    }

    private static byte[] Dechunk(byte[] data)
    {
        using var body = new MemoryStream();
        var position = 0;
        while (position < data.Length)
        {
            var lineEnd = data.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
                break;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(data, position, lineEnd).Split(';')[0], 16);
            position += lineEnd + 2;
            if (size == 0)
                break;
            body.Write(data, position, Math.Min(size, data.Length - position));
            position += size + 2;
        }
        return body.ToArray();
    }
}
