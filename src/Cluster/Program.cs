// A basketball node: cluster member, sharded entities, HTTP API. Configuration: akka.hocon + environment (SPEC §7).
using Basketball.Cluster.Configuration;
using Basketball.Cluster.Hosting;

Microsoft.AspNetCore.Builder.WebApplication node;
try
{
    var configuration = NodeConfiguration.Load(Environment.GetEnvironmentVariable);
    node = BasketballNode.Build(configuration, args);
}
catch (ArgumentException e)
{
    // A configuration the node cannot run with (no AWS credentials for a remote endpoint, a malformed URL, …):
    // one clear line and exit code 2, rather than a stack trace.
    await Console.Error.WriteLineAsync($"basketball: configuration error: {e.Message}");
    return 2;
}
var shutdown = node.Services.GetRequiredService<ShutdownWatch>();
await node.RunAsync();
// Downed by the cluster (the Split Brain Resolver after a freeze or a partition, or an operator's `cluster down`): the
// node has stopped everything and must not come back as the same incarnation. A distinct exit code lets a supervisor
// that restarts failed processes (docker compose's restart: on-failure, systemd's Restart=on-failure) start a new one.
if (shutdown.Downed)
{
    await Console.Error.WriteLineAsync($"basketball: this node was downed by the cluster and has shut down; exit code {BasketballNode.DownedExitCode}");
    return BasketballNode.DownedExitCode;
}
return 0;
