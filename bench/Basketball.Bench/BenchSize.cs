// How much each benchmark puts through: the full run behind BENCHMARKS.md, and the smoke run of the test suite
// (the same code paths with small numbers, so that a broken benchmark fails a test).
namespace Basketball.Bench;

/// <param name="PlaysPerGame">Scoring plays per game of the throughput workload.</param>
/// <param name="KinesisShards">Shards of each half of the input stream: the nodes warm up on one half, the other is timed.</param>
/// <param name="BacklogBatches">The timed backlog of each shard, in GetRecords batches (of the shipped get-records-limit):
/// games are added to a shard until it holds at least this many batches' records, so that the steady state, not the
/// first and the last batch, makes the figure.</param>
/// <param name="WarmUpBatches">The warm-up backlog of each warm-up shard, in GetRecords batches.</param>
/// <param name="WarmUpRoundBatches">An extra warm-up round, per warm-up shard, in GetRecords batches: put while the
/// nodes run, until their JIT compiler has settled (below).</param>
/// <param name="WarmUpRounds">At most this many extra warm-up rounds.</param>
/// <param name="JitSettled">The warm-up ends once the JIT compiler took at most this share of the nodes' CPU time over
/// the last <see cref="JitWindow"/> of it.</param>
/// <param name="JitWindow">The stretch of the warm-up's end over which the JIT share is judged.</param>
/// <param name="LatencyDuration">How long probes are sent during the latency run (the load runs before, throughout and after).</param>
/// <param name="LatencyProbes">Probes sent evenly over <see cref="LatencyDuration"/>, whether or not the earlier ones are visible yet.</param>
/// <param name="ProbeGames">Games the probes are spread over (round robin; a game has at most one probe outstanding).</param>
/// <param name="RecoveryEvents">Events of the game whose recovery is timed.</param>
/// <param name="MemoryGames">Full games kept alive at once to weigh a Game entity (their players weigh the Player).</param>
/// <param name="Postgres">Run the PostgreSQL figures (1 and 3 nodes) and the failover.</param>
/// <param name="Parts">Which groups of figures to run (all by default; a subset is for profiling one of them).</param>
/// <param name="LatencyRate">Events/s of the latency run's load; null = half the measured saturation (the figure's
/// definition). A fixed rate compares two settings at the same load.</param>
public sealed record BenchSize(
    string Name,
    int PlaysPerGame,
    int KinesisShards,
    double BacklogBatches,
    double WarmUpBatches,
    double WarmUpRoundBatches,
    int WarmUpRounds,
    double JitSettled,
    TimeSpan JitWindow,
    TimeSpan LatencyDuration,
    int LatencyProbes,
    int ProbeGames,
    int RecoveryEvents,
    int MemoryGames,
    bool Postgres,
    BenchParts Parts = BenchParts.All,
    double? LatencyRate = null)
{
    public static BenchSize Full { get; } = new("full", PlaysPerGame: 200, KinesisShards: 6,
        BacklogBatches: 10, WarmUpBatches: 2, WarmUpRoundBatches: 1, WarmUpRounds: 12, JitSettled: 0.02, JitWindow: TimeSpan.FromSeconds(5),
        LatencyDuration: TimeSpan.FromSeconds(40), LatencyProbes: 1_200, ProbeGames: 200,
        RecoveryEvents: 10_000, MemoryGames: 200, Postgres: true);

    /// <summary>Backlogs far below one batch: the smoke run checks that every figure is produced, not its value.</summary>
    public static BenchSize Smoke { get; } = new("smoke", PlaysPerGame: 40, KinesisShards: 3,
        BacklogBatches: 0.03, WarmUpBatches: 0.02, WarmUpRoundBatches: 0.01, WarmUpRounds: 1, JitSettled: 0.02, JitWindow: TimeSpan.FromSeconds(2),
        LatencyDuration: TimeSpan.FromSeconds(3), LatencyProbes: 40, ProbeGames: 20,
        RecoveryEvents: 600, MemoryGames: 24, Postgres: true);

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
