// The bounds of the operator endpoint (akka.hocon `basketball.ops`): how long and how large a request may be, how
// long a client may leave an answer unread, and how many connections it serves. A client that breaks one gets an
// `end` frame saying which and is disconnected, so no client can hold the endpoint or the node's memory.
using Akka.Configuration;

namespace Basketball.Cluster.Operations;

/// <param name="MaxRequestBytes">The longest request line; a longer one is refused without being read further.</param>
/// <param name="RequestTimeout">How long a connection may take to send its request line.</param>
/// <param name="WriteTimeout">How long one answer frame may wait for the client to read; then the connection is closed.</param>
/// <param name="MaxCommands">Commands running at once (a `tail` runs until its client leaves).</param>
/// <param name="MaxWaiting">Connections that have not sent their request line yet; past it the one waiting longest is closed,
/// so idle connections can never lock an operator out.</param>
public sealed record OpsLimits(int MaxRequestBytes, TimeSpan RequestTimeout, TimeSpan WriteTimeout, int MaxCommands, int MaxWaiting)
{
    public static OpsLimits Default { get; } = new(64 * 1024, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), 64, 256);

    public static OpsLimits Read(Config config)
    {
        var ops = config.GetConfig("basketball.ops");
        if (ops is null || ops.IsEmpty)
            return Default;
        return new OpsLimits(
            (int)(ops.GetByteSize("max-request-bytes") ?? Default.MaxRequestBytes),
            ops.GetTimeSpan("request-timeout", Default.RequestTimeout),
            ops.GetTimeSpan("write-timeout", Default.WriteTimeout),
            ops.GetInt("max-commands", Default.MaxCommands),
            ops.GetInt("max-waiting-connections", Default.MaxWaiting));
    }
}
