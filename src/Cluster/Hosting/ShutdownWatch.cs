// Why the node's actor system stopped, still known once the host (and its services) are disposed: Program.cs exits with
// DownedExitCode when the cluster downed the node.
using Akka.Actor;

namespace Basketball.Cluster.Hosting;

public sealed class ShutdownWatch
{
    private CoordinatedShutdown? _shutdown;

    internal void Watch(ActorSystem system) => _shutdown = CoordinatedShutdown.Get(system);

    /// <summary>The node stopped because the cluster downed it (the Split Brain Resolver, `cluster down`), not on SIGTERM or a leave.</summary>
    public bool Downed => _shutdown?.ShutdownReason is CoordinatedShutdown.ClusterDowningReason;
}
