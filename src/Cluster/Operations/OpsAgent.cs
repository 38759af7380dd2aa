// One per node at /user/ops-agent: answers, for the node an operator is connected to, what only this node knows
// (its shard readers and their read rates). Its messages travel with OpsSerializer.
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Basketball.Ingress.Consumer;
using Basketball.Ops;

namespace Basketball.Cluster.Operations;

public sealed record NodeIngressQuery
{
    public static readonly NodeIngressQuery Instance = new();
}

public sealed record NodeIngressReport(string Node, IReadOnlyList<ReaderReport> Readers);

/// <param name="RecordsPerSecond">Over the last sampling interval (about a second).</param>
public sealed record ReaderReport(string ShardId, bool Reading, long MillisBehindLatest, long RecordsRead, double RecordsPerSecond, string? Checkpoint);

public sealed class OpsAgent : ReceiveActor, IWithTimers
{
    public const string Name = "ops-agent";
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, (long Records, DateTime At, double Rate)> _samples = new();

    public OpsAgent(IngressStatusBoard board)
    {
        var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        Receive<Sample>(_ =>
        {
            var now = DateTime.UtcNow;
            foreach (var shard in board.Shards)
            {
                var rate = _samples.TryGetValue(shard.ShardId, out var previous) && now > previous.At
                    ? Math.Max(0, shard.RecordsRead - previous.Records) / (now - previous.At).TotalSeconds
                    : 0;
                _samples[shard.ShardId] = (shard.RecordsRead, now, rate);
            }
        });
        Receive<NodeIngressQuery>(_ => Sender.Tell(new NodeIngressReport(node, board.Shards
            .Select(s => new ReaderReport(s.ShardId, s.Reading, s.MillisBehindLatest, s.RecordsRead,
                Math.Round(_samples.TryGetValue(s.ShardId, out var sample) ? sample.Rate : 0, 1), s.Checkpoint))
            .ToArray())));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(IngressStatusBoard board) => Props.Create(() => new OpsAgent(board));

    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(Sample), Sample.Instance, SampleEvery);

    private sealed class Sample
    {
        public static readonly Sample Instance = new();
    }
}

[JsonSerializable(typeof(NodeIngressQuery))]
[JsonSerializable(typeof(NodeIngressReport))]
internal sealed partial class OpsMessagesJsonContext : JsonSerializerContext;

/// <summary>The operator messages between nodes, as JSON under stable manifests (never Akka's Newtonsoft default).</summary>
public sealed class OpsSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 4118;

    public static string Config => $$"""
        akka.actor {
          serializers.basketball-ops = "{{Name<OpsSerializer>()}}"
          serialization-bindings {
            "{{Name<NodeIngressQuery>()}}" = basketball-ops
            "{{Name<NodeIngressReport>()}}" = basketball-ops
          }
        }
        """;

    private static string Name<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        NodeIngressQuery => "o.iq",
        NodeIngressReport => "o.ir",
        _ => throw new ArgumentException($"OpsSerializer has no manifest for {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        NodeIngressQuery q => JsonSerializer.SerializeToUtf8Bytes(q, OpsMessagesJsonContext.Default.NodeIngressQuery),
        NodeIngressReport r => JsonSerializer.SerializeToUtf8Bytes(r, OpsMessagesJsonContext.Default.NodeIngressReport),
        _ => throw new ArgumentException($"OpsSerializer cannot serialize {obj.GetType()}", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        "o.iq" => NodeIngressQuery.Instance,
        "o.ir" => JsonSerializer.Deserialize(bytes, OpsMessagesJsonContext.Default.NodeIngressReport)!,
        _ => throw new System.Runtime.Serialization.SerializationException($"OpsSerializer does not know manifest '{manifest}'"),
    };
}
