// Keeps one ShardReader per readable shard this worker owns (a cluster runs several workers, spread over
// the nodes by a ShardedDaemonProcess). A child shard (after a split or merge) becomes
// readable only once every parent has a SHARD_END checkpoint or has left the stream, so per-aggregate
// order survives resharding.
using Akka.Actor;
using Akka.Event;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Hosting;
using Microsoft.Extensions.Logging;

namespace Basketball.Ingress.Consumer;

public sealed class IngressCoordinator : ReceiveActor, IWithTimers
{
    private readonly IShardStreamApi _api;
    private readonly ICheckpointStore _checkpoints;
    private readonly RecordBatchProcessor _processor;
    private readonly IngressOptions _options;
    private readonly IngressMetrics _metrics;
    private readonly IShardOwnership _ownership;
    private readonly IngressStatusBoard _board;
    private readonly ILogger _logger;
    private readonly string _owner;
    private readonly ILiveOwners? _liveOwners;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _readers = new();
    private readonly Dictionary<string, ShardStatus> _statuses = new();
    private readonly HashSet<string> _completed = new();
    private readonly Dictionary<string, SuspectRecords> _suspects = new();
    private bool _discovering;
    private bool _draining;

    /// <param name="liveOwners">Who is a live member of the cluster: its readers take no lease such a member still writes.</param>
    public IngressCoordinator(IShardStreamApi api, ICheckpointStore checkpoints, RecordBatchProcessor processor, IngressOptions options,
        IngressMetrics metrics, IShardOwnership ownership, string owner, IngressStatusBoard board, ILogger logger, ILiveOwners? liveOwners = null)
    {
        _liveOwners = liveOwners;
        _board = board;
        _api = api;
        _checkpoints = checkpoints;
        _processor = processor;
        _options = options;
        _metrics = metrics;
        _ownership = ownership;
        _owner = owner;
        _logger = logger;

        Receive<Discover>(_ => DiscoverShards());
        Receive<Discovered>(OnDiscovered);
        Receive<DiscoveryFailed>(failed =>
        {
            _discovering = false;
            _log.Warning("Listing shards of {0} failed: {1}; retrying in a second", _api.StreamName, failed.Cause.Message);
            Timers.StartSingleTimer("rediscover", Discover.Instance, TimeSpan.FromSeconds(1));
        });
        Receive<ShardCompleted>(completed =>
        {
            _completed.Add(completed.ShardId);
            Self.Tell(Discover.Instance); // its children may be readable now
        });
        Receive<ShardBatchFailed>(failed =>
        {
            if (!_suspects.TryGetValue(failed.ShardId, out var suspect))
                _suspects[failed.ShardId] = suspect = new SuspectRecords();
            suspect.Failed(failed.Records);
            if (suspect.IsolateAfter(_options.MaxBatchFailures) is { } isolate)
                _log.Warning("Shard {0}: the records {1} failed its reader {2} times; the next reader isolates them",
                    failed.ShardId, isolate, suspect.Failures);
        });
        Receive<Terminated>(terminated =>
        {
            var shard = _readers.FirstOrDefault(r => r.Value.Equals(terminated.ActorRef)).Key;
            if (shard is not null)
            {
                _readers.Remove(shard);
                _statuses[shard].Reading = false;
                _metrics.ShardStopped(shard);
            }
            // A reader that stopped on failure is started again by the next discovery (a pause, not a hammering).
        });
        Receive<DrainAll>(_ => StartDraining(stopAfter: false));
        // Hand-off (a node leaves, the worker moves): drain, checkpoint, release, then stop so the worker can
        // start on its new node and resume exactly after the released checkpoints.
        Receive<DrainAndStop>(_ => StartDraining(stopAfter: true));
        Receive<IngressDrained>(_ => Context.Stop(Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(IShardStreamApi api, ICheckpointStore checkpoints, RecordBatchProcessor processor, IngressOptions options,
        IngressMetrics metrics, IShardOwnership ownership, string owner, IngressStatusBoard board, ILogger logger, ILiveOwners? liveOwners = null) =>
        Props.Create(() => new IngressCoordinator(api, checkpoints, processor, options, metrics, ownership, owner, board, logger, liveOwners));

    protected override void PostStop()
    {
        _board.Stopped(Self);
        foreach (var shard in _statuses.Keys)
        {
            _board.Forget(shard);
            _metrics.ShardStopped(shard);
        }
    }

    protected override void PreStart()
    {
        _board.Started(Self);
        Self.Tell(Discover.Instance);
        Timers.StartPeriodicTimer(nameof(Discover), Discover.Instance, _options.ShardDiscoveryInterval);
    }

    private void DiscoverShards()
    {
        if (_discovering || _draining)
            return;
        _discovering = true;
        LoadAsync().PipeTo(Self, success: d => d, failure: ex => new DiscoveryFailed(ex));
    }

    private async Task<Discovered> LoadAsync()
    {
        var shards = await _api.ListShardsAsync(CancellationToken.None);
        var checkpoints = await _checkpoints.ListAsync(_api.StreamName, CancellationToken.None);
        return new Discovered(shards, checkpoints.Where(c => c.ShardEnd).Select(c => c.ShardId).ToHashSet());
    }

    private void OnDiscovered(Discovered discovered)
    {
        _discovering = false;
        if (_draining)
            return;
        _completed.UnionWith(discovered.EndedShards);
        var present = discovered.Shards.Select(s => s.ShardId).ToHashSet();
        foreach (var shard in discovered.Shards)
        {
            if (_readers.ContainsKey(shard.ShardId) || _completed.Contains(shard.ShardId) || !_ownership.Owns(shard.ShardId))
                continue;
            // Parents first: a parent still in the stream and not read to its end holds its children back.
            if (shard.Parents().Any(parent => present.Contains(parent) && !_completed.Contains(parent)))
                continue;
            StartReader(shard.ShardId);
        }
    }

    private void StartReader(string shardId)
    {
        if (!_statuses.TryGetValue(shardId, out var status))
        {
            _statuses[shardId] = status = new ShardStatus(shardId);
            _board.Track(status);
        }
        var reader = Context.ActorOf(
            ShardReader.PropsFor(shardId, _owner, _api, _checkpoints, _processor, _options, _metrics, status, _logger,
                _suspects.GetValueOrDefault(shardId)?.IsolateAfter(_options.MaxBatchFailures), _liveOwners),
            "shard-" + Uri.EscapeDataString(shardId));
        Context.Watch(reader);
        _readers[shardId] = reader;
        status.Reading = true;
    }

    private void StartDraining(bool stopAfter)
    {
        _draining = true;
        Timers.Cancel(nameof(Discover));
        var requester = stopAfter ? Self : Sender;
        var logger = _logger;
        var drains = _readers
            .Select(reader => reader.Value.Ask<Drained>(Drain.Instance, IngressHostingExtensions.DrainTimeout).ContinueWith(t =>
            {
                // A drain that misses its deadline means the successor re-reads this shard's last batch: say which.
                if (!t.IsCompletedSuccessfully)
                    logger.LogWarning("Draining the reader of {Shard} did not finish within {Timeout}; its next owner re-reads from its last checkpoint",
                        reader.Key, IngressHostingExtensions.DrainTimeout);
                return true;
            }, TaskContinuationOptions.ExecuteSynchronously))
            .ToArray();
        Task.WhenAll(drains).ContinueWith(_ => new IngressDrained(drains.Length)).PipeTo(requester);
    }

    private sealed class Discover
    {
        public static readonly Discover Instance = new();
    }

    private sealed record Discovered(IReadOnlyList<KinesisShard> Shards, HashSet<string> EndedShards);

    private sealed record DiscoveryFailed(Exception Cause);
}

public sealed record GetIngressStatus
{
    public static readonly GetIngressStatus Instance = new();
}

public sealed record ShardReport(string ShardId, bool Reading, string? Checkpoint, bool ShardEnd, long MillisBehindLatest, long RecordsRead,
    string? LastRead);

/// <param name="StreamReachable">The last shard listing succeeded (readiness: ingress running).</param>
public sealed record IngressStatus(string Owner, string Stream, bool StreamReachable, IReadOnlyList<ShardReport> Shards);

/// <summary>Graceful shutdown: every reader drains and checkpoints; answered with <see cref="IngressDrained"/>.</summary>
public sealed record DrainAll
{
    public static readonly DrainAll Instance = new();
}

public sealed record IngressDrained(int Readers);

/// <summary>The reader worker's hand-off stop message: drain like <see cref="DrainAll"/>, then stop.</summary>
public sealed record DrainAndStop
{
    public static readonly DrainAndStop Instance = new();
}
