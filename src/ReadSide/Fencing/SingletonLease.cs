// One singleton instance's lease, taken on first use and kept for the instance's life (not per stream restart:
// a stream that restarts after a database outage must not fence its own instance's other stream). Taken again only
// when taking it failed.
namespace Basketball.ReadSide.Fencing;

public sealed class SingletonLease(ReaderFence fence, string reader, string owner)
{
    private readonly Lock _gate = new();
    private Task<ReaderLease>? _taking;

    public ReaderFence Fence => fence;

    public Task<ReaderLease> GetAsync()
    {
        lock (_gate)
        {
            if (_taking is null || _taking.IsFaulted || _taking.IsCanceled)
                _taking = fence.TakeAsync(reader, owner);
            return _taking;
        }
    }

    /// <summary>The owner name of this node incarnation (the same form as the Kinesis checkpoints' owners).</summary>
    public static string OwnerOf(Akka.Actor.ActorSystem system)
    {
        var self = Akka.Cluster.Cluster.Get(system).SelfUniqueAddress;
        return $"{self.Address}#{self.Uid}";
    }
}
