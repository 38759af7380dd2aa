// The OpenAPI document of the node's HTTP API (SPEC §8), at /openapi/v1.json. Microsoft.AspNetCore.OpenApi describes
// the minimal-API handlers itself; the endpoints that are request pipelines rather than handlers (health checks,
// /metrics, the document itself) are added by RouteEndpointsTransformer, so the document lists every route.
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;

namespace Basketball.Cluster.Http;

public static class ApiDocument
{
    public const string Path = "/openapi/v1.json";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer<RouteEndpointsTransformer>());

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().WithSummary("This document");
        return app;
    }
}

/// <summary>Adds every routed endpoint that the generator did not describe, with its summary, methods and path parameters.</summary>
internal sealed partial class RouteEndpointsTransformer(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= new OpenApiPaths();
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var path = DocumentPath(endpoint.RoutePattern);
            if (!document.Paths.TryGetValue(path, out var existing))
                document.Paths[path] = existing = new OpenApiPathItem();
            if (existing is not OpenApiPathItem item)
                continue;
            item.Operations ??= [];
            foreach (var method in MethodsOf(endpoint))
            {
                if (item.Operations.ContainsKey(method))
                    continue;
                item.Operations[method] = new OpenApiOperation
                {
                    Summary = endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary ?? endpoint.DisplayName,
                    Parameters = endpoint.RoutePattern.Parameters.Select(PathParameter).ToList(),
                    Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "OK" } },
                };
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>The route as OpenAPI writes it: a leading slash, parameters without constraints or defaults.</summary>
    internal static string DocumentPath(RoutePattern pattern) =>
        "/" + ParameterDecoration().Replace((pattern.RawText ?? "").TrimStart('/'), "{$1}");

    [GeneratedRegex(@"\{\**([^}:?=]+)[^}]*\}")]
    private static partial Regex ParameterDecoration();

    /// <summary>The endpoint's methods; an endpoint without method metadata answers any, documented as GET. HEAD goes with GET.</summary>
    internal static IEnumerable<HttpMethod> MethodsOf(Endpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
        return methods.Where(m => !HttpMethods.IsHead(m)).Select(m => HttpMethod.Parse(m));
    }

    private static IOpenApiParameter PathParameter(RoutePatternParameterPart part) => new OpenApiParameter
    {
        Name = part.Name,
        In = ParameterLocation.Path,
        Required = true,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
