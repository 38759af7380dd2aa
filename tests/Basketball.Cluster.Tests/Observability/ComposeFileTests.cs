// docker/docker-compose.yml is valid and consistent with the files it mounts. The build machine has neither a
// Docker engine nor the compose plugin, so `docker compose config` cannot run here; the file is read with
// YamlDotNet (anchors and merge keys resolved) and checked: every service runs something, every mounted file
// exists, ports do not clash, every dependency is a service, and Prometheus scrapes exactly the node services.
using YamlDotNet.RepresentationModel;

namespace Basketball.Cluster.Tests.Observability;

public class ComposeFileTests
{
    private static readonly YamlMappingNode Services = (YamlMappingNode)ObservabilityFiles.LoadYaml(ObservabilityFiles.Compose)["services"];

    private static IEnumerable<(string Name, YamlMappingNode Service)> AllServices =>
        Services.Children.Select(pair => (((YamlScalarNode)pair.Key).Value!, (YamlMappingNode)pair.Value));

    /// <summary>The node services: those built from docker/Dockerfile.</summary>
    private static IReadOnlyList<string> NodeServices => AllServices.Where(s => s.Service.Children.ContainsKey(new YamlScalarNode("build")))
        .Select(s => s.Name).ToList();

    [Fact]
    public void The_compose_file_runs_the_cluster_with_prometheus_and_grafana()
    {
        AllServices.Select(s => s.Name).Should().Contain(["postgres", "kinesis", "node1", "node2", "node3", "prometheus", "grafana"]);
        foreach (var (name, service) in AllServices)
            (Has(service, "image") || Has(service, "build")).Should().BeTrue($"service {name} needs an image or a build");
        NodeServices.Should().BeEquivalentTo(["node1", "node2", "node3"]);
    }

    [Fact]
    public void Every_build_and_mounted_path_exists()
    {
        foreach (var (name, service) in AllServices)
        {
            if (Has(service, "build"))
            {
                var build = (YamlMappingNode)service["build"];
                var context = Path.GetFullPath(Path.Combine(ObservabilityFiles.Docker, Text(build["context"])));
                File.Exists(Path.Combine(context, Text(build["dockerfile"]))).Should().BeTrue($"{name}'s Dockerfile");
            }
            if (!Has(service, "volumes"))
                continue;
            foreach (var volume in ((YamlSequenceNode)service["volumes"]).Select(Text))
            {
                var source = volume.Split(':')[0];
                source.Should().StartWith(".", $"{name} mounts files of the repository (relative to docker/), not a named volume: {volume}");
                var path = Path.Combine(ObservabilityFiles.Docker, source);
                (File.Exists(path) || Directory.Exists(path)).Should().BeTrue($"{name} mounts {volume}");
            }
        }
    }

    [Fact]
    public void Published_ports_are_well_formed_and_do_not_clash()
    {
        var hostPorts = new List<int>();
        foreach (var (name, service) in AllServices.Where(s => Has(s.Service, "ports")))
        {
            foreach (var mapping in ((YamlSequenceNode)service["ports"]).Select(Text))
            {
                var parts = mapping.Split(':');
                parts.Should().HaveCount(2, $"{name} publishes host:container ({mapping})");
                parts.Should().OnlyContain(p => IsPort(p), $"{name}: {mapping}");
                hostPorts.Add(int.Parse(parts[0]));
            }
        }
        hostPorts.Should().OnlyHaveUniqueItems().And.Contain([8081, 8082, 8083, 9090, 3000]);
    }

    [Fact]
    public void Every_dependency_is_a_service()
    {
        var names = AllServices.Select(s => s.Name).ToHashSet();
        foreach (var (name, service) in AllServices.Where(s => Has(s.Service, "depends_on")))
        {
            var dependsOn = service["depends_on"] switch
            {
                YamlSequenceNode list => list.Select(Text),
                YamlMappingNode map => map.Children.Keys.Select(Text),
                var other => throw new InvalidOperationException($"{name}: depends_on is {other.NodeType}"),
            };
            dependsOn.Should().OnlyContain(d => names.Contains(d), $"{name} depends on services of this file");
        }
    }

    [Fact]
    public void Prometheus_scrapes_every_node_service_on_its_http_port()
    {
        var config = ObservabilityFiles.LoadYaml(ObservabilityFiles.PrometheusConfig);
        var job = ((YamlSequenceNode)config["scrape_configs"]).Cast<YamlMappingNode>().Single(j => Text(j["job_name"]) == "basketball");
        var targets = ((YamlSequenceNode)job["static_configs"]).Cast<YamlMappingNode>()
            .SelectMany(c => ((YamlSequenceNode)c["targets"]).Select(Text));
        // The nodes listen on 8080 inside the network (docker/entrypoint.sh binds BASKETBALL_HTTP to every interface).
        targets.Should().BeEquivalentTo(NodeServices.Select(n => $"{n}:8080"));
        Text(job["metrics_path"]).Should().Be("/metrics");
    }

    [Fact]
    public void Grafana_gets_the_prometheus_datasource_and_the_dashboard()
    {
        var datasources = ObservabilityFiles.LoadYaml(Path.Combine(ObservabilityFiles.Docker, "grafana", "provisioning", "datasources", "prometheus.yml"));
        var prometheus = ((YamlSequenceNode)datasources["datasources"]).Cast<YamlMappingNode>().Single();
        Text(prometheus["url"]).Should().Be("http://prometheus:9090");
        var dashboards = ObservabilityFiles.LoadYaml(Path.Combine(ObservabilityFiles.Docker, "grafana", "provisioning", "dashboards", "basketball.yml"));
        var provider = ((YamlSequenceNode)dashboards["providers"]).Cast<YamlMappingNode>().Single();
        var folder = Text(((YamlMappingNode)provider["options"])["path"]);
        var grafanaVolumes = ((YamlSequenceNode)((YamlMappingNode)Services["grafana"])["volumes"]).Select(Text).ToList();
        grafanaVolumes.Should().Contain(v => v.StartsWith("./grafana/dashboards:" + folder, StringComparison.Ordinal),
            "the provider's folder is where the dashboards are mounted");
        grafanaVolumes.Should().Contain(v => v.StartsWith("./grafana/provisioning:/etc/grafana/provisioning", StringComparison.Ordinal));
    }

    private static bool IsPort(string text) => int.TryParse(text, out var port) && port is > 0 and < 65536;

    private static bool Has(YamlMappingNode node, string key) => node.Children.ContainsKey(new YamlScalarNode(key));

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value!;
}
