// basketball.ingress → the consumer's options and the stream set-up.
using Akka.Configuration;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Consumer;

namespace Basketball.Cluster.Configuration;

/// <param name="CreateStreams">null = "auto": create them when the Kinesis endpoint is local.</param>
/// <param name="Readers">Reader workers in the cluster (each reads the Kinesis shards that hash to it).</param>
/// <param name="AggregateRecords">POST /api/events packs a key's waiting events into KPL aggregated records.</param>
public sealed record IngressSettings(bool Enabled, IngressOptions Options, string MilestonesStream, bool? CreateStreams, int Shards, int Readers,
    bool AggregateRecords = true)
{
    public static IngressSettings Read(Config ingress)
    {
        var create = ingress.GetString("create-streams", "auto").Trim().ToLowerInvariant();
        return new IngressSettings(
            ingress.GetBoolean("enabled", true),
            new IngressOptions(
                ingress.GetString("stream"),
                ShardStartPosition.Parse(ingress.GetString("initial-position")),
                ingress.GetInt("get-records-limit"),
                ingress.GetTimeSpan("min-poll-interval"),
                ingress.GetTimeSpan("idle-poll-interval"),
                ingress.GetInt("prefetch-batches"),
                ingress.GetInt("max-aggregates-in-flight"),
                Math.Max(1, ingress.GetInt("batches-in-flight", 4)),
                ingress.GetTimeSpan("ask-timeout"),
                ingress.GetInt("max-delivery-attempts"),
                ingress.GetTimeSpan("checkpoint-every"),
                ingress.GetInt("checkpoint-every-records"),
                ingress.GetTimeSpan("shard-discovery-interval"),
                ingress.GetTimeSpan("lease-check-every", TimeSpan.FromSeconds(5)),
                Math.Max(1, ingress.GetInt("max-batch-failures", 3)))
            {
                LeaseExpiry = ingress.GetTimeSpan("lease-expiry", TimeSpan.FromSeconds(10)),
            },
            ingress.GetString("milestones-stream"),
            create switch
            {
                "auto" => null,
                "true" or "on" or "yes" or "1" => true,
                "false" or "off" or "no" or "0" => false,
                _ => throw new ArgumentException($"basketball.ingress.create-streams must be auto, true or false, not '{create}'"),
            },
            ingress.GetInt("shards"),
            Math.Max(1, ingress.GetInt("readers", 4)),
            ingress.GetBoolean("aggregate-records", true));
    }
}
