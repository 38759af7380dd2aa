// How long the league projections hold the database for one batch (begin → commit), published at /metrics as
// basketball_projection_write_seconds{reader}. On SQLite these transactions take the one write lock that the
// journal needs too, so their length is part of what a journal write may wait for.
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Basketball.ReadSide.League;

internal static class LeagueMetrics
{
    private static readonly Meter Meter = new("basketball");

    private static readonly Histogram<double> Write = Meter.CreateHistogram<double>(
        "projection_write_seconds", "s", "Time of one league projection transaction (a batch of journal events and its offset)");

    public static void Written(string reader, long startedAt) =>
        Write.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("reader", reader));
}
