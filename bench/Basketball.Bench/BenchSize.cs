// How much each benchmark puts through: the full run behind BENCHMARKS.md, and the smoke run of the test suite
// (the same code paths with small numbers, so that a broken benchmark fails a test).
namespace Basketball.Bench;

/// <param name="Games">Games of the throughput workload (plus the league's player registrations).</param>
/// <param name="PlaysPerGame">Scoring plays per game of the throughput workload.</param>
/// <param name="KinesisShards">Shards of every input stream (and reader workers).</param>
/// <param name="LatencyDuration">How long the latency run sends at half the saturation rate.</param>
/// <param name="RecoveryEvents">Events of the game whose recovery is timed.</param>
/// <param name="MemoryGames">Full games kept alive at once to weigh a Game entity (their players weigh the Player).</param>
/// <param name="Postgres">Run the PostgreSQL figures (1 and 3 nodes) and the failover.</param>
/// <param name="Parts">Which groups of figures to run (all by default; a subset is for profiling one of them).</param>
/// <param name="LatencyRate">Events/s of the latency run's load; null = half the measured saturation (the figure's
/// definition). A fixed rate compares two settings at the same load.</param>
public sealed record BenchSize(
    string Name,
    int Games,
    int PlaysPerGame,
    int KinesisShards,
    TimeSpan LatencyDuration,
    int RecoveryEvents,
    int MemoryGames,
    bool Postgres,
    BenchParts Parts = BenchParts.All,
    double? LatencyRate = null)
{
    public static BenchSize Full { get; } = new("full", Games: 160, PlaysPerGame: 200, KinesisShards: 6,
        LatencyDuration: TimeSpan.FromSeconds(30), RecoveryEvents: 10_000, MemoryGames: 200, Postgres: true);

    public static BenchSize Smoke { get; } = new("smoke", Games: 6, PlaysPerGame: 40, KinesisShards: 3,
        LatencyDuration: TimeSpan.FromSeconds(3), RecoveryEvents: 600, MemoryGames: 24, Postgres: true);

    public static BenchSize Parse(string name) => name switch
    {
        "full" => Full,
        "smoke" => Smoke,
        _ => throw new ArgumentException($"size '{name}' is not one of: full, smoke"),
    };
}

/// <summary>Groups of figures that can run alone (<c>--only</c>).</summary>
[Flags]
public enum BenchParts
{
    /// <summary>1-node SQLite throughput, latency and replay (replay reads the journal the throughput run wrote).</summary>
    Sqlite = 1,

    /// <summary>Recovery and memory, on an in-process ActorSystem.</summary>
    Entities = 2,

    /// <summary>1- and 3-node PostgreSQL throughput and the failover.</summary>
    Postgres = 4,

    All = Sqlite | Entities | Postgres,
}
