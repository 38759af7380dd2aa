// When a reader may take a shard's lease. Taking it fences whoever held it, so a reader must not take it from a live
// owner that is still reading: a node frozen past failure detection (a GC pause, a VM migration, SIGSTOP) is downed,
// its shards move to the survivors, and when it thaws it runs on for a few seconds before it learns that it was
// downed. Its readers are fenced at their next write, but its coordinators would start new ones that took the shards
// back, and the survivors' readers would take them back again: checkpoints written by the node the cluster removed.
namespace Basketball.Ingress.Checkpoints;

public static class LeaseTakeover
{
    /// <summary>Why the lease may not be taken now; null when it may.</summary>
    /// <param name="current">The shard's row as read just before (null: no row yet).</param>
    /// <param name="expiry">A live owner's lease unwritten for this long is taken anyway: its reader is gone without a release.</param>
    public static string? Refusal(ShardCheckpoint? current, string owner, ILiveOwners liveOwners, DateTimeOffset now, TimeSpan expiry)
    {
        // Released, reset, never held, or our own (a reader of this node that stopped on a failure).
        if (current?.Owner is not { } holder || holder == owner)
            return null;
        // A member that left or was downed, or an earlier incarnation of a restarted node: nobody reads with it any more.
        if (!liveOwners.IsLive(holder))
            return null;
        var age = now - current.UpdatedAt;
        if (age >= expiry)
            return null;
        return $"held by {holder}, a live member of the cluster, written {Math.Max(0, age.TotalSeconds):F1} s ago; taken once that member " +
               $"leaves the cluster or releases it, or after {expiry.TotalSeconds:F0} s without a write";
    }
}
