using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Berth.ApiServer.OpenApi;

/// <summary>
/// Serves <see cref="OpenApiService"/> documents over HTTP the way kube-openapi's handlers do: ETags, the
/// <c>?hash=</c> URLs of the v3 index (301 to the current hash when it is stale, immutable caching when it
/// matches), content negotiation and 304 on <c>If-None-Match</c>.
/// </summary>
public static class OpenApiEndpoints
{
    private const string ProtobufV2 = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    private const string ProtobufV2Deprecated = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    /// <summary>Maps <c>GET /openapi/v3</c> (the index) and <c>GET /openapi/v3/{path}</c> (one document, JSON).</summary>
    public static IEndpointRouteBuilder MapOpenApiV3(this IEndpointRouteBuilder endpoints, OpenApiService service)
    {
        endpoints.MapGet("/openapi/v3", (HttpContext context) =>
        {
            var index = service.GetV3Index();
            return Write(context, index, "application/json", OpenApiService.Hash(index));
        });
        endpoints.MapGet("/openapi/v3/{**path}", (HttpContext context, string path) =>
        {
            context.Response.Headers.Vary = "Accept";
            if (!Accepts(context.Request, "application/json"))
            {
                context.Response.StatusCode = StatusCodes.Status406NotAcceptable;
                return Task.CompletedTask;
            }
            if (!service.TryGetV3(path, out var json, out var hash))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            var requested = context.Request.Query["hash"].ToString();
            if (requested.Length > 0)
            {
                if (requested != hash)
                {
                    // The client holds an old index: send it to the document the current hash names.
                    context.Response.Redirect("/openapi/v3/" + path.Trim('/') + "?hash=" + hash, permanent: true);
                    return Task.CompletedTask;
                }
                context.Response.Headers.CacheControl = "public, immutable";
                context.Response.Headers.Expires = DateTimeOffset.UtcNow.AddYears(1).ToString("R");
            }
            return Write(context, json, "application/json", hash);
        });
        return endpoints;
    }

    /// <summary>
    /// Maps <c>GET /openapi/v2</c>. kubectl asks for the protobuf form only; <paramref name="protobuf"/> encodes the
    /// Swagger 2.0 document to it (gnostic <c>openapi_v2.Document</c>). Without an encoder only JSON is served.
    /// </summary>
    public static IEndpointRouteBuilder MapOpenApiV2(this IEndpointRouteBuilder endpoints, OpenApiService service,
        Func<OpenApiService, byte[]>? protobuf = null)
    {
        endpoints.MapGet("/openapi/v2", (HttpContext context) =>
        {
            context.Response.Headers.Vary = "Accept";
            if (protobuf is not null && (Accepts(context.Request, ProtobufV2, wildcards: false)
                || Accepts(context.Request, ProtobufV2Deprecated, wildcards: false)))
            {
                var bytes = protobuf(service);
                return Write(context, bytes, ProtobufV2, OpenApiService.Hash(bytes));
            }
            if (Accepts(context.Request, "application/json"))
            {
                return Write(context, service.GetV2Json(), "application/json", service.GetV2Hash());
            }
            context.Response.StatusCode = StatusCodes.Status406NotAcceptable;
            return Task.CompletedTask;
        });
        return endpoints;
    }

    private static Task Write(HttpContext context, byte[] body, string contentType, string hash)
    {
        var etag = "\"" + hash + "\"";
        context.Response.Headers.ETag = etag;
        foreach (var value in context.Request.Headers.IfNoneMatch)
        {
            if (value is not null && value.Split(',').Any(v => v.Trim() == etag || v.Trim() == "*"))
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }
        }
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    // A plain reading of Accept: the deprecated protobuf type contains '@', which strict media-type parsers reject.
    private static bool Accepts(HttpRequest request, string mediaType, bool wildcards = true)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0)
        {
            return wildcards;
        }
        var anyType = mediaType[..(mediaType.IndexOf('/', StringComparison.Ordinal) + 1)] + "*";
        foreach (var header in accept)
        {
            foreach (var clause in (header ?? "").Split(','))
            {
                var parts = clause.Split(';', StringSplitOptions.TrimEntries);
                if (parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000"))
                {
                    continue;
                }
                var media = parts[0];
                if (string.Equals(media, mediaType, StringComparison.OrdinalIgnoreCase)
                    || (wildcards && (media == "*/*" || string.Equals(media, anyType, StringComparison.OrdinalIgnoreCase))))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
