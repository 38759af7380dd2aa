// A singleton reader's lease is no longer current: another instance took it (the singleton moved while this one ran
// on, most likely on a node that was frozen, downed and has thawed). Nothing was recorded; this instance must stop.
namespace Basketball.ReadSide.Fencing;

public sealed class ReaderFencedException(ReaderLease lease, long? current)
    : Exception($"{lease.Reader}: the lease of {lease.Owner} at epoch {lease.Epoch} is no longer current (epoch {current?.ToString() ?? "none"} " +
                "was taken since): another instance took over, so this one records nothing more and stops")
{
    public ReaderLease Lease { get; } = lease;
}
