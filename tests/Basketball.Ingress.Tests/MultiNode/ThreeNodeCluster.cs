// Three real node processes on loopback (NodeCluster) sharing a PostgreSQL journal and reading one
// kinesalite stream of six shards, with the fast test timings.
using System.Text.Json;
using Basketball.Domain.Events;
using Basketball.Ingress.Tests.Pipeline;
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.MultiNode;

public sealed class ThreeNodeCluster : IAsyncDisposable
{
    public const int KinesisShards = 6;

    private ThreeNodeCluster(NodeCluster nodes, KinesisClient client)
    {
        Cluster = nodes;
        Client = client;
        Producer = new KinesisProducer(client, new KinesisProducerOptions(nodes.Stream));
    }

    public NodeCluster Cluster { get; }

    public NodeProcess?[] Nodes => Cluster.Nodes;

    public IEnumerable<NodeProcess> Running => Cluster.Running;

    public KinesisClient Client { get; }

    public KinesisProducer Producer { get; }

    /// <param name="reads">When given, the nodes reach kinesalite through it (it counts every record GetRecords hands out).</param>
    public static async Task<ThreeNodeCluster> StartAsync(KinesaliteFixture kinesis, PostgresFixture postgres, KinesisReadCounter? reads = null)
    {
        var stream = await kinesis.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("cluster"), KinesisShards);
        var env = kinesis.NodeEnvironment(stream);
        if (reads is not null)
            env["KINESIS_ENDPOINT"] = reads.Endpoint;
        env["BASKETBALL_JOURNAL"] = "postgres:" + await postgres.CreateDatabaseAsync();
        var nodes = await NodeCluster.StartAsync(3, env, PipelineHarness.FastIngress + $"\nbasketball.ingress.readers = {KinesisShards}");
        return new ThreeNodeCluster(nodes, kinesis.CreateClient());
    }

    public Task StartNodeAsync(int index) => Cluster.StartNodeAsync(index);

    public Task<Dictionary<string, List<int>>> ReadersAsync() => Cluster.ReadersAsync();

    public async Task PutAsync(IEnumerable<EventEnvelope> events)
    {
        var result = await Producer.PutAsync(events.Select(e => (e.AggregateId, (ReadOnlyMemory<byte>)EventJson.Serialize(e))).ToList());
        result.Records.Should().OnlyContain(r => r.Succeeded);
    }

    public static Task<double> MetricAsync(NodeProcess node, string name) => NodeCluster.MetricAsync(node, name);

    public Func<string, Task<JsonElement?>> Query(NodeProcess node) => Cluster.Query(node);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Producer.DisposeAsync();
        Client.Dispose();
    }
}
