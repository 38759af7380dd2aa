// This node's ingress face: answers `ingress status` from the board, probes the input stream for readiness (and
// publishes the readers' lag then), and drains the local readers on shutdown.
using Akka.Actor;
using Basketball.Ingress.Hosting;

namespace Basketball.Ingress.Consumer;

public sealed class IngressStatusActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(5);

    public IngressStatusActor(IngressStatusBoard board, IShardStreamApi api, string owner, IngressMetrics metrics)
    {
        Receive<GetIngressStatus>(_ => Sender.Tell(new IngressStatus(owner, api.StreamName, board.StreamReachable, board.Shards)));
        Receive<Probe>(_ =>
        {
            metrics.ShardLagFrom(board);
            api.ListShardsAsync(CancellationToken.None)
                .ContinueWith(t => new ProbeResult(t.IsCompletedSuccessfully), TaskContinuationOptions.ExecuteSynchronously)
                .PipeTo(Self);
        });
        Receive<ProbeResult>(result => board.StreamReachable = result.Reachable);
        Receive<DrainAll>(_ =>
        {
            var requester = Sender;
            var drains = board.Coordinators
                .Select(c => c.Ask<IngressDrained>(DrainAll.Instance, IngressHostingExtensions.DrainTimeout))
                .ToArray();
            Task.WhenAll(drains).ContinueWith(t => new IngressDrained(t.IsCompletedSuccessfully ? t.Result.Sum(d => d.Readers) : 0),
                TaskContinuationOptions.ExecuteSynchronously).PipeTo(requester);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(IngressStatusBoard board, IShardStreamApi api, string owner, IngressMetrics metrics) =>
        Props.Create(() => new IngressStatusActor(board, api, owner, metrics));

    protected override void PreStart()
    {
        Self.Tell(Probe.Instance);
        Timers.StartPeriodicTimer(nameof(Probe), Probe.Instance, ProbeEvery);
    }

    private sealed class Probe
    {
        public static readonly Probe Instance = new();
    }

    private sealed record ProbeResult(bool Reachable);
}
