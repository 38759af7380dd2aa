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
await node.RunAsync();
return 0;
