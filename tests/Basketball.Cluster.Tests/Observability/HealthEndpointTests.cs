// /health/live and /health/ready answer the contract's JSON (SPEC §8, docs/operations.md "Health") through
// ASP.NET Core's health checks, with Akka.Hosting's actor-system and cluster checks among them.
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Basketball.Cluster.Tests.Observability;

public class HealthEndpointTests(ObservedNode fixture) : IClassFixture<ObservedNode>
{
    [Fact]
    public async Task Live_answers_200_with_status_live()
    {
        using var response = await fixture.Node.Http.GetAsync("/health/live");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"status":"live"}""");
    }

    [Fact]
    public async Task Ready_answers_200_with_every_check_true()
    {
        using var response = await fixture.Node.Http.GetAsync("/health/ready");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        body.GetProperty("status").GetString().Should().Be("ready");
        Checks(body).Should().BeEquivalentTo(new Dictionary<string, bool> { ["cluster"] = true, ["journal"] = true, ["ingress"] = true });
    }

    [Fact]
    public async Task The_checks_are_aspnet_health_checks_with_akka_hostings_among_them()
    {
        var report = await fixture.Node.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        report.Entries.Keys.Should().BeEquivalentTo(["actor-system", "cluster", "journal", "ingress"]);
        report.Status.Should().Be(HealthStatus.Healthy, string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}")));
    }

    [Fact]
    public async Task Ready_answers_503_not_ready_and_names_the_failing_check_when_kinesis_is_away()
    {
        using var directory = new TempDirectory();
        // A loopback port nothing listens on: the ingress cannot list its shards.
        await using var node = await InProcessNode.StartAsync($"sqlite:{directory.File("b.db")}", env: new Dictionary<string, string>
        {
            ["KINESIS_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["BASKETBALL_CREATE_STREAMS"] = "false",
        });
        using var response = await node.Http.GetAsync("/health/ready");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, body.ToString());
        body.GetProperty("status").GetString().Should().Be("not_ready");
        Checks(body).Should().BeEquivalentTo(new Dictionary<string, bool> { ["cluster"] = true, ["journal"] = true, ["ingress"] = false });

        using var live = await node.Http.GetAsync("/health/live");
        live.StatusCode.Should().Be(HttpStatusCode.OK, "a node that waits for Kinesis is alive");
    }

    private static Dictionary<string, bool> Checks(JsonElement body) =>
        body.GetProperty("checks").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetBoolean());
}
