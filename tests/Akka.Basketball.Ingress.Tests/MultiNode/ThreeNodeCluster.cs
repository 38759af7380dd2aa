// Three real node processes on loopback forming one cluster from a seed list, sharing a PostgreSQL journal
// and reading one kinesalite stream.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Basketball.Ingress.Kinesis;
using Akka.Basketball.Ingress.Tests.Pipeline;
using Akka.Basketball.Shards.Events;

namespace Akka.Basketball.Ingress.Tests.MultiNode;

public sealed class ThreeNodeCluster : IAsyncDisposable
{
    public const int KinesisShards = 6;
    private readonly Dictionary<string, string> _env;
    private readonly TempDirectory _directory = new();
    private readonly int[] _ports = [FreePort.Next(), FreePort.Next(), FreePort.Next()];

    private ThreeNodeCluster(Dictionary<string, string> env, KinesisClient client, string stream)
    {
        _env = env;
        Client = client;
        Stream = stream;
        Producer = new KinesisProducer(client, new KinesisProducerOptions(stream));
        File.WriteAllText(_directory.File("akka.hocon"), File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon")) + "\n"
            + PipelineHarness.FastIngress + $"\nbasketball.ingress.readers = {KinesisShards}\n");
    }

    public NodeProcess?[] Nodes { get; } = new NodeProcess?[3];

    public KinesisClient Client { get; }

    public KinesisProducer Producer { get; }

    public string Stream { get; }

    public static async Task<ThreeNodeCluster> StartAsync(KinesaliteFixture kinesis, PostgresFixture postgres)
    {
        var stream = KinesaliteFixture.UniqueStreamName("cluster");
        await kinesis.CreateStreamAsync(stream, KinesisShards);
        var env = PipelineHarness.Environment(kinesis, stream);
        env["BASKETBALL_JOURNAL"] = "postgres:" + await postgres.CreateDatabaseAsync();
        var cluster = new ThreeNodeCluster(env, kinesis.CreateClient(), stream);
        env["BASKETBALL_SEEDS"] = $"akka.tcp://basketball@127.0.0.1:{cluster._ports[0]}";
        // The seed first (it forms the cluster), then the others join it.
        await cluster.StartNodeAsync(0);
        await Task.WhenAll(cluster.StartNodeAsync(1), cluster.StartNodeAsync(2));
        return cluster;
    }

    public async Task StartNodeAsync(int index) =>
        Nodes[index] = await NodeProcess.StartAsync(_env, _directory.Path, TimeSpan.FromSeconds(120), _ports[index]);

    public IEnumerable<NodeProcess> Running => Nodes.Where(n => n is { HasExited: false })!;

    public async Task PutAsync(IEnumerable<EventEnvelope> events)
    {
        var result = await Producer.PutAsync(events.Select(e => (e.AggregateId, (ReadOnlyMemory<byte>)EventJson.Serialize(e))).ToList());
        result.Records.Should().OnlyContain(r => r.Succeeded);
    }

    /// <summary>shardId → the nodes (indexes) whose readers read it right now.</summary>
    public async Task<Dictionary<string, List<int>>> ReadersAsync()
    {
        var readers = new Dictionary<string, List<int>>();
        for (var i = 0; i < Nodes.Length; i++)
        {
            if (Nodes[i] is not { HasExited: false } node)
                continue;
            var status = await node.Http.GetFromJsonAsync<JsonElement>("/api/ingress/status");
            foreach (var shard in status.GetProperty("shards").EnumerateArray().Where(s => s.GetProperty("reading").GetBoolean()))
            {
                var id = shard.GetProperty("shardId").GetString()!;
                if (!readers.TryGetValue(id, out var list))
                    readers[id] = list = [];
                list.Add(i);
            }
        }
        return readers;
    }

    public static async Task<double> MetricAsync(NodeProcess node, string name)
    {
        var text = await node.Http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length == name.Length || l[name.Length] is ' ' or '{' || name.EndsWith('}')))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public Func<string, Task<JsonElement?>> Query(NodeProcess node) => async path =>
    {
        using var response = await node.Http.GetAsync(path);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes.Where(n => n is not null))
            await node!.DisposeAsync();
        await Producer.DisposeAsync();
        Client.Dispose();
        _directory.Dispose();
    }
}
