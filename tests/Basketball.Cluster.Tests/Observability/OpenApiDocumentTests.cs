// GET /openapi/v1.json lists every route of the node's HTTP API: every endpoint the app has mapped (read from its
// routing, so routes added later are covered too) and, by hand, the routes SPEC §8 names.
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Basketball.Cluster.Tests.Observability;

public partial class OpenApiDocumentTests(ObservedNode fixture) : IClassFixture<ObservedNode>
{
    /// <summary>SPEC §8's routes that this tree serves (parameter names as the SPEC writes them; they are not compared).</summary>
    private static readonly string[] SpecRoutes =
    [
        "POST /api/events", "GET /api/games/{id}", "GET /api/games/{id}/plays", "GET /api/players/{id}", "GET /openapi/{document}.json",
        "GET /api/standings", "GET /api/leaders", "GET /api/milestones", "GET /api/milestones/stream", "GET /api/deadletters",
        "GET /health/live", "GET /health/ready", "GET /metrics", "GET /", "GET /ops", "GET /api/games", "GET /api/games/stream",
    ];

    [Fact]
    public async Task The_document_lists_every_mapped_endpoint()
    {
        var documented = await DocumentedRoutesAsync();
        var mapped = fixture.Node.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Where(method => method != "HEAD")
                .Select(method => Route($"{method} /{endpoint.RoutePattern.RawText!.TrimStart('/')}")))
            .ToHashSet();
        mapped.Should().Contain(["POST /api/events", "GET /health/ready", "GET /metrics"], "the routing is read, not an empty list");
        mapped.Except(documented).Should().BeEmpty("every route of the HTTP API is in the OpenAPI document");
    }

    [Fact]
    public async Task The_document_lists_the_routes_of_the_contract()
    {
        var documented = await DocumentedRoutesAsync();
        SpecRoutes.Select(Route).Except(documented).Should().BeEmpty();
    }

    [Fact]
    public async Task The_document_is_openapi_with_the_api_operations_described()
    {
        using var document = JsonDocument.Parse(await fixture.Node.Http.GetStringAsync("/openapi/v1.json"));
        document.RootElement.GetProperty("openapi").GetString().Should().StartWith("3.");
        var game = document.RootElement.GetProperty("paths").GetProperty("/api/games/{gameId}").GetProperty("get");
        game.GetProperty("parameters").EnumerateArray().Should().Contain(p => p.GetProperty("name").GetString() == "gameId"
            && p.GetProperty("in").GetString() == "path");
    }

    private async Task<HashSet<string>> DocumentedRoutesAsync()
    {
        using var document = JsonDocument.Parse(await fixture.Node.Http.GetStringAsync("/openapi/v1.json"));
        return document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => HttpMethods.Contains(operation.Name))
                .Select(operation => Route($"{operation.Name.ToUpperInvariant()} {path.Name}")))
            .ToHashSet();
    }

    private static readonly HashSet<string> HttpMethods = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];

    /// <summary>"METHOD /path" with every parameter written {} (names, constraints and defaults are not compared).</summary>
    private static string Route(string route) => Parameter().Replace(route, "{}");

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
