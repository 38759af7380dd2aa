// GET / (the live scoreboard), GET /ops (the operator's read-only view) and their assets: plain HTML, CSS and
// JavaScript embedded in this assembly (Http/Pages), no build step. Pages are revalidated on every load (an
// upgraded node serves its own at once); assets are cached for an hour and revalidated by ETag.
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Basketball.Cluster.Http;

public static class PageEndpoints
{
    private const string ResourcePrefix = "pages/";

    private static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    /// <summary>The pages and the endpoints only they add: the game list and stream, the ops overview.</summary>
    public static IEndpointRouteBuilder MapLivePages(this IEndpointRouteBuilder app) =>
        app.MapPageEndpoints().MapGameStreamEndpoints().MapOpsViewEndpoints();

    public static IEndpointRouteBuilder MapPageEndpoints(this IEndpointRouteBuilder app)
    {
        var assets = Load();
        app.MapGet("/", (HttpContext context) => Serve(context, assets["index.html"], "no-cache"));
        app.MapGet("/ops", (HttpContext context) => Serve(context, assets["ops.html"], "no-cache"));
        app.MapGet("/assets/{name}", (string name, HttpContext context) =>
            assets.TryGetValue(name, out var asset) && !name.EndsWith(".html", StringComparison.OrdinalIgnoreCase)
                ? Serve(context, asset, "public, max-age=3600")
                : Results.NotFound(new ErrorBody("not_found", $"no asset '{name}'")));
        return app;
    }

    private static IResult Serve(HttpContext context, PageAsset asset, string cacheControl)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = cacheControl;
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    /// <summary>Every embedded page and asset by file name, read once at start-up.</summary>
    private static Dictionary<string, PageAsset> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var assets = new Dictionary<string, PageAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var name = resource[ResourcePrefix.Length..];
            var contentType = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            assets[name] = new PageAsset(content, contentType, $"\"{Convert.ToHexString(SHA256.HashData(content))[..16]}\"");
        }
        return assets;
    }

    private sealed record PageAsset(byte[] Content, string ContentType, string ETag);
}
