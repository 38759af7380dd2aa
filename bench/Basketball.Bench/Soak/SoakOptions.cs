// What `./basketball.sh soak` runs: how long, how fast, which seed, and the faults' lengths.
namespace Basketball.Bench.Soak;

/// <param name="Duration">How long records are sent (the run takes about 3 minutes more: start, catch-up, checks).</param>
/// <param name="Seed">Chooses the season, the fault moments and the victims; printed, so a run can be repeated.</param>
/// <param name="Rate">Records per second. The default is half the 3-node PostgreSQL saturation in BENCHMARKS.md.</param>
/// <param name="Freeze">How long the frozen node stays stopped: past failure detection and the Split Brain Resolver (~13 s).</param>
/// <param name="Outage">How long the PostgreSQL server stays stopped (as DatabaseOutageTests).</param>
/// <param name="ConvergeTimeout">How long the cluster may take, after the last record, to equal the ground truth.</param>
public sealed record SoakOptions(
    TimeSpan Duration,
    int Seed,
    double Rate,
    string Output,
    TimeSpan Freeze,
    TimeSpan Outage,
    TimeSpan ConvergeTimeout)
{
    /// <summary>Half of the "pipeline throughput, 3 nodes, PostgreSQL (durability on)" figure of BENCHMARKS.md (1,668 events/s).</summary>
    public const double HalfSaturation = 800;

    /// <summary>Kinesis shards of the soak's stream, one reader worker each.</summary>
    public const int Shards = 6;

    /// <summary>Games played at the same time: the season is sent in waves of this many interleaved games.</summary>
    public const int GamesPerWave = 24;
}
