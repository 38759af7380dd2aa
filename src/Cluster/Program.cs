// A basketball node: cluster member, sharded entities, HTTP API. Configuration: akka.hocon + environment (SPEC §7).
using Akka.Basketball.Cluster.Configuration;
using Akka.Basketball.Cluster.Hosting;

var configuration = NodeConfiguration.Load(Environment.GetEnvironmentVariable);
await BasketballNode.Build(configuration, args).RunAsync();
