// Lease owners are node incarnations ("address#uid"); one is live while it is a Joining, WeaklyUp or Up member of the
// cluster as this node sees it. A member that leaves or was downed, or an earlier incarnation of a restarted node, is not.
using Akka.Cluster;
using Basketball.Ingress.Checkpoints;

namespace Basketball.Ingress.Hosting;

public sealed class ClusterLiveOwners(Akka.Cluster.Cluster cluster) : ILiveOwners
{
    /// <summary>The owner name of a node incarnation in the checkpoint rows.</summary>
    public static string OwnerOf(UniqueAddress node) => $"{node.Address}#{node.Uid}";

    public bool IsLive(string owner) =>
        cluster.State.Members.Any(member => (member.Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up)
                                            && OwnerOf(member.UniqueAddress) == owner);
}
