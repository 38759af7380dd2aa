// Events applied per second on this node over the last minutes, for the /ops chart: once a second it reads the
// ingress's own counter (basketball_events_applied_total, the series /metrics shows) and keeps the differences
// in a fixed ring. Costs one read a second, nothing per event.
using Prometheus;

namespace Basketball.Cluster.Live;

public sealed class EventRateSampler : BackgroundService
{
    public const int Seconds = 300;

    // The same series the ingress increments: prometheus-net hands out the registered instance for a known name.
    private static readonly Counter EventsApplied = Metrics.CreateCounter("basketball_events_applied_total", "Events applied by their entity");

    private readonly double[] _ring = new double[Seconds];
    private readonly object _lock = new();
    private int _next;
    private int _filled;

    /// <summary>Per second, oldest first (at most <see cref="Seconds"/>).</summary>
    public IReadOnlyList<double> PerSecond()
    {
        lock (_lock)
        {
            var points = new double[_filled];
            for (var i = 0; i < _filled; i++)
                points[i] = _ring[(_next - _filled + i + Seconds) % Seconds];
            return points;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var last = EventsApplied.Value;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = EventsApplied.Value;
            lock (_lock)
            {
                _ring[_next] = Math.Max(0, now - last);
                _next = (_next + 1) % Seconds;
                _filled = Math.Min(_filled + 1, Seconds);
            }
            last = now;
        }
    }
}
