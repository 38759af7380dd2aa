// Several real node processes on loopback forming one cluster from a seed list, sharing one journal and
// reading one kinesalite stream: what the multi-node tests and the benchmarks stand on.
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Basketball.TestSupport;

public sealed class NodeCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string> _env;
    private readonly TempDirectory _directory = new();
    private readonly int[] _ports;
    private readonly Func<int, IReadOnlyDictionary<string, string>>? _perNode;

    private NodeCluster(int nodes, IReadOnlyDictionary<string, string> env, string hocon, Func<int, IReadOnlyDictionary<string, string>>? perNode)
    {
        _perNode = perNode;
        _ports = Enumerable.Range(0, nodes).Select(_ => FreePort.Next()).ToArray();
        Nodes = new NodeProcess?[nodes];
        _env = new Dictionary<string, string>(env)
        {
            ["BASKETBALL_SEEDS"] = $"akka.tcp://basketball@127.0.0.1:{_ports[0]}",
        };
        // The nodes read akka.hocon from their working directory: the shipped file plus this cluster's overrides.
        File.WriteAllText(_directory.File("akka.hocon"),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon")) + "\n" + hocon + "\n");
    }

    public NodeProcess?[] Nodes { get; }

    /// <summary>The Kinesis stream the nodes read.</summary>
    public string Stream => _env["BASKETBALL_STREAM"];

    /// <summary>The nodes that run and answer: neither exited nor frozen.</summary>
    public IEnumerable<NodeProcess> Running => Nodes.Where(n => n is { HasExited: false, IsFrozen: false })!;

    /// <param name="env">BASKETBALL_JOURNAL, KINESIS_ENDPOINT, BASKETBALL_STREAM… (<see cref="KinesaliteFixture.NodeEnvironment"/>).</param>
    /// <param name="hocon">Settings appended to akka.hocon for every node.</param>
    /// <param name="perNode">Variables of one node on top of <paramref name="env"/> (one node's Kinesis through a proxy, say).</param>
    public static async Task<NodeCluster> StartAsync(int nodes, IReadOnlyDictionary<string, string> env, string hocon = "",
        Func<int, IReadOnlyDictionary<string, string>>? perNode = null)
    {
        var cluster = new NodeCluster(nodes, env, hocon, perNode);
        try
        {
            // The seed first (it forms the cluster), then the others join it.
            await cluster.StartNodeAsync(0);
            await Task.WhenAll(Enumerable.Range(1, nodes - 1).Select(cluster.StartNodeAsync));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (or restarts, on its old address, seeded by the nodes that run) node <paramref name="index"/>.</summary>
    public async Task StartNodeAsync(int index) =>
        Nodes[index] = await NodeProcess.StartAsync(EnvironmentOf(index), _directory.Path, akkaPort: _ports[index]);

    /// <summary>
    /// The shared environment; a PostgreSQL journal's connections are named after the node (Application Name), so
    /// pg_stat_activity, and a test's audit of who wrote which row (current_setting('application_name')), tell the
    /// nodes apart.
    /// </summary>
    private Dictionary<string, string> EnvironmentOf(int index)
    {
        var env = new Dictionary<string, string>(_env);
        if (env.TryGetValue("BASKETBALL_JOURNAL", out var journal) && journal.StartsWith("postgres:", StringComparison.Ordinal))
            env["BASKETBALL_JOURNAL"] = $"{journal.TrimEnd(';')};Application Name={ApplicationName(index)}";
        // A node started again joins the nodes that run: the first seed, restarted with itself alone as its seed,
        // would form a cluster of its own beside them.
        var others = Running.Where(n => n.AkkaPort != _ports[index]).Select(n => n.AkkaAddress).ToList();
        if (Nodes[index] is not null && others.Count > 0)
            env["BASKETBALL_SEEDS"] = string.Join(",", others);
        foreach (var (key, value) in _perNode?.Invoke(index) ?? new Dictionary<string, string>())
            env[key] = value;
        return env;
    }

    /// <summary>The PostgreSQL application name of node <paramref name="index"/>'s connections.</summary>
    public static string ApplicationName(int index) => $"node-{index}";

    /// <summary>shardId → the nodes (indexes) whose readers read it right now.</summary>
    public async Task<Dictionary<string, List<int>>> ReadersAsync()
    {
        var readers = new Dictionary<string, List<int>>();
        foreach (var (index, shard) in await ShardsAsync())
        {
            if (!shard.GetProperty("reading").GetBoolean())
                continue;
            var id = shard.GetProperty("shardId").GetString()!;
            if (!readers.TryGetValue(id, out var list))
                readers[id] = list = [];
            list.Add(index);
        }
        return readers;
    }

    /// <summary>Records read from Kinesis by every running node (counted when read, before processing).</summary>
    public async Task<long> RecordsReadAsync() =>
        (await ShardsAsync()).Sum(s => s.Shard.GetProperty("recordsRead").GetInt64());

    /// <summary>The sum of a Prometheus series over the running nodes.</summary>
    public async Task<double> MetricAsync(string name)
    {
        var total = 0.0;
        foreach (var node in Running)
            total += await MetricAsync(node, name);
        return total;
    }

    /// <summary>The sum of the samples of <paramref name="name"/> (a metric name, or a name with its labels).</summary>
    public static async Task<double> MetricAsync(NodeProcess node, string name)
    {
        var text = await node.Http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length == name.Length || l[name.Length] is ' ' or '{' || name.EndsWith('}')))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    public Func<string, Task<JsonElement?>> Query(NodeProcess node) => async path =>
    {
        using var response = await node.Http.GetAsync(path);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    };

    private async Task<List<(int Index, JsonElement Shard)>> ShardsAsync()
    {
        var shards = new List<(int, JsonElement)>();
        for (var i = 0; i < Nodes.Length; i++)
        {
            if (Nodes[i] is not { HasExited: false, IsFrozen: false } node)
                continue;
            var status = await node.Http.GetFromJsonAsync<JsonElement>("/api/ingress/status");
            shards.AddRange(status.GetProperty("shards").EnumerateArray().Select(s => (i, s)));
        }
        return shards;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Where(n => n is not null).Select(n => n!.DisposeAsync().AsTask()));
        _directory.Dispose();
    }
}
