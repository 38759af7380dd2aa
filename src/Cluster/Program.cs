// A basketball node: cluster member, sharded entities, HTTP API. Configuration: akka.hocon + environment (SPEC §7).
using Basketball.Cluster.Configuration;
using Basketball.Cluster.Hosting;

var configuration = NodeConfiguration.Load(Environment.GetEnvironmentVariable);
await BasketballNode.Build(configuration, args).RunAsync();
