// The one input stream of a run, which every pipeline figure reads: its shards in two halves (the nodes warm
// up on one, the other is timed), the games chosen by the shard they land on, and a ledger of every record put
// on each shard, so that a drain knows exactly how many records it must see.
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Akka.Configuration;
using Basketball.Kinesis;
using Basketball.Simulator;

namespace Basketball.Bench;

public sealed class BenchStream
{
    private readonly IReadOnlyList<Shard> _shards;
    private readonly (BigInteger Start, BigInteger End, string ShardId)[] _ranges;
    private readonly Dictionary<string, long> _put = new(StringComparer.Ordinal);

    private BenchStream(string name, IReadOnlyList<Shard> shards, int half)
    {
        Name = name;
        _shards = shards;
        _ranges = shards.Where(s => s.IsOpen)
            .Select(s => (BigInteger.Parse(s.HashKeyRange.StartingHashKey), BigInteger.Parse(s.HashKeyRange.EndingHashKey), s.ShardId)).ToArray();
        var ids = shards.Select(s => s.ShardId).Order(StringComparer.Ordinal).ToList();
        WarmShards = ids.Take(half).ToList();
        MeasuredShards = ids.Skip(half).ToList();
        foreach (var id in ids)
            _put[id] = 0;
    }

    public string Name { get; }

    /// <summary>The half the nodes warm up on; the latency run's load and probes and the extra warm-up rounds go here too.</summary>
    public IReadOnlyList<string> WarmShards { get; }

    /// <summary>The timed half: only the throughput workload is ever put here, so every row drains the same records.</summary>
    public IReadOnlyList<string> MeasuredShards { get; }

    public int ShardCount => _shards.Count;

    public static async Task<BenchStream> CreateAsync(KinesaliteFixture kinesis, KinesisClient client, int shardsPerHalf, CancellationToken ct)
    {
        var name = await kinesis.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("bench"), 2 * shardsPerHalf, ct);
        return new BenchStream(name, await client.ListShardsAsync(name, ct), shardsPerHalf);
    }

    /// <summary>The open shard Kinesis puts a partition key on: the MD5 of the key, as a 128-bit number, in the shard's hash range.</summary>
    public string ShardOf(string partitionKey)
    {
        var hash = new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(partitionKey)), isUnsigned: true, isBigEndian: true);
        return _ranges.Single(r => r.Start <= hash && hash <= r.End).ShardId;
    }

    public bool IsWarm(string partitionKey) => WarmShards.Contains(ShardOf(partitionKey));

    /// <summary>Records put on these shards so far (accepted by Kinesis).</summary>
    public long PutOn(IEnumerable<string> shards)
    {
        lock (_put)
            return shards.Sum(s => _put[s]);
    }

    /// <summary>Counts a put's accepted records on the shards Kinesis answered with.</summary>
    public void Count(PutResult put)
    {
        lock (_put)
            foreach (var record in put.Records.Where(r => r.Succeeded))
                _put[record.ShardId!]++;
    }

    public void Count(string shardId)
    {
        lock (_put)
            _put[shardId]++;
    }

    /// <summary>Puts the records (counted) and fails unless every one was accepted.</summary>
    public async Task<PutResult> PutAllAsync(KinesisProducer producer, IReadOnlyList<(string PartitionKey, ReadOnlyMemory<byte> Data)> records, CancellationToken ct)
    {
        var put = await producer.PutAsync(records, ct);
        Count(put);
        if (!put.AllSucceeded)
            throw new InvalidOperationException($"{put.FailedCount} of {records.Count} records could not be put: {put.Records.First(r => !r.Succeeded).ErrorCode}");
        return put;
    }

    /// <summary>
    /// Games of a season (seed <paramref name="seed"/>) chosen by the shard they land on: a game is taken while its
    /// shard holds fewer than <paramref name="perShard"/> of the chosen records, so every shard named there ends with at
    /// least that many (and at most one game more). The registrations, when included, are all taken (whatever their
    /// shard) and counted first. More games are generated until every shard has its share.
    /// </summary>
    public Workload Choose(int seed, int playsPerGame, IReadOnlyDictionary<string, long> perShard, bool registrations, double correctionRate = 0.01)
    {
        // Events per game ≈ plays + corrections + the few status events; the games land evenly on all shards, so the
        // shard that wants most decides how many are generated.
        var games = (int)Math.Ceiling(1.2 * perShard.Values.Max() / (playsPerGame + 8) * ShardCount) + 2;
        while (true)
        {
            var season = SeasonGenerator.Generate(new SimulationOptions(games, seed, playsPerGame, correctionRate));
            var held = perShard.Keys.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
            var taken = new List<SimGame>();
            if (registrations)
                foreach (var r in season.Registrations)
                    if (held.ContainsKey(ShardOf(r.AggregateId)))
                        held[ShardOf(r.AggregateId)]++;
            foreach (var game in season.Games)
            {
                var shard = ShardOf(game.GameId);
                if (held.TryGetValue(shard, out var count) && count < perShard[shard])
                {
                    taken.Add(game);
                    held[shard] = count + game.Events.Count;
                }
            }
            if (held.All(h => h.Value >= perShard[h.Key]))
                return Workload.Of(new Season(registrations ? season.Registrations : [], taken), seed);
            games *= 2;
        }
    }

    /// <summary>The first <paramref name="count"/> games of a season (seed <paramref name="seed"/>) that land on the warm-up shards.</summary>
    public Workload ChooseWarmGames(int seed, int count, int playsPerGame, double correctionRate)
    {
        for (var games = 2 * count * ShardCount / WarmShards.Count; ; games *= 2)
        {
            var season = SeasonGenerator.Generate(new SimulationOptions(games, seed, playsPerGame, correctionRate));
            var taken = season.Games.Where(g => IsWarm(g.GameId)).Take(count).ToList();
            if (taken.Count == count)
                return Workload.Of(new Season([], taken), seed);
        }
    }

    /// <summary>Each of <paramref name="shards"/> → <paramref name="records"/>.</summary>
    public static IReadOnlyDictionary<string, long> Each(IEnumerable<string> shards, long records) => shards.ToDictionary(s => s, _ => records);
}

/// <summary>The settings of the shipped akka.hocon (the file the bench's nodes read) that the baselines copy.</summary>
public sealed record ShippedSettings(int GetRecordsLimit, int JournalBatchSize, int JournalParallelism)
{
    public static ShippedSettings Read()
    {
        var config = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon")));
        return new ShippedSettings(
            config.GetInt("basketball.ingress.get-records-limit"),
            config.GetInt("akka.persistence.journal.sql.batch-size"),
            config.GetInt("akka.persistence.journal.sql.parallelism"));
    }
}
