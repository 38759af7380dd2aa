// Whether the owner named in a checkpoint row (one incarnation of a node, "address#uid") is a live member of the
// cluster as this node sees it: a reader takes no lease that a live owner still writes (LeaseTakeover).
namespace Basketball.Ingress.Checkpoints;

public interface ILiveOwners
{
    bool IsLive(string owner);
}
