using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Objects;
using Berth.ApiServer.Auth;
using Berth.ApiServer.Discovery;
using Berth.ApiServer.OpenApi;
using Berth.ApiServer.Protobuf;
using Berth.ApiServer.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.ApiServer.Rest;

/// <summary>
/// The HTTP front of the API: authenticates, routes by <see cref="RequestInfo"/> and turns
/// <see cref="RestStorage"/> results and <see cref="StatusException"/>s into Kubernetes responses.
/// </summary>
public sealed partial class ApiHandler
{
    private readonly RestStorage _storage;
    private readonly DiscoveryService _discovery;
    private readonly OpenApiService _openApi;
    private readonly Authenticator _auth;
    private readonly ResponseWriter _writer;
    private readonly ServerVersion _version;
    private readonly ILogger<ApiHandler> _logger;
    private readonly IReadOnlyDictionary<string, ISubresourceHandler> _subresources;

    public ApiHandler(RestStorage storage, DiscoveryService discovery, OpenApiService openApi, Authenticator auth,
        ResponseWriter writer, ServerVersion version, IEnumerable<ISubresourceHandler> subresources, ILogger<ApiHandler> logger)
    {
        _storage = storage;
        _discovery = discovery;
        _openApi = openApi;
        _auth = auth;
        _writer = writer;
        _version = version;
        _logger = logger;
        _subresources = subresources.ToDictionary(s => s.Key, StringComparer.Ordinal);
    }

    /// <summary>Set when the server is ready to serve (storage loaded, bootstrap objects created).</summary>
    public volatile bool Ready;

    public async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        try
        {
            if (Authenticator.IsPublic(path))
            {
                await HandlePublicAsync(ctx, path).ConfigureAwait(false);
                return;
            }
            var user = _auth.Authenticate(ctx) ?? throw StatusException.Unauthorized();
            var info = RequestInfoParser.Parse(ctx.Request.Method, path, QueryOptions.IsWatch(ctx.Request.Query));
            if (!info.IsResourceRequest)
            {
                if (!Authenticator.Authorize(user, "get"))
                {
                    throw StatusException.Create(403, "Forbidden", $"forbidden: User \"{user.Name}\" cannot get path \"{path}\"");
                }
                await HandleNonResourceAsync(ctx, path).ConfigureAwait(false);
                return;
            }
            await HandleResourceAsync(ctx, info, user).ConfigureAwait(false);
        }
        catch (StatusException e)
        {
            if (!ctx.Response.HasStarted)
            {
                await ResponseWriter.WriteStatusAsync(ctx, e).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "{Method} {Path} failed", ctx.Request.Method, path);
            if (!ctx.Response.HasStarted)
            {
                await ResponseWriter.WriteStatusAsync(ctx, StatusException.Internal("an error on the server has prevented the request from succeeding: " + e.Message))
                    .ConfigureAwait(false);
            }
        }
    }

    private async Task HandlePublicAsync(HttpContext ctx, string path)
    {
        if (path.StartsWith("/version", StringComparison.Ordinal))
        {
            await ResponseWriter.WriteBytesAsync(ctx, 200, _version.Json).ConfigureAwait(false);
            return;
        }
        var ok = Ready || path.StartsWith("/livez", StringComparison.Ordinal);
        var verbose = ctx.Request.Query.ContainsKey("verbose");
        var name = path.TrimStart('/').Split('/')[0];
        var body = verbose
            ? $"[{(ok ? "+" : "-")}]ping ok\n[{(ok ? "+" : "-")}]storage {(ok ? "ok" : "not ready")}\n{name} check {(ok ? "passed" : "failed")}\n"
            : ok ? "ok" : "[-]storage failed: not ready\n" + name + " check failed";
        await ResponseWriter.WriteBytesAsync(ctx, ok ? 200 : 500, System.Text.Encoding.UTF8.GetBytes(body), "text/plain; charset=utf-8")
            .ConfigureAwait(false);
    }

    private async Task HandleNonResourceAsync(HttpContext ctx, string path)
    {
        var accept = ctx.Request.Headers.Accept.ToString();
        var trimmed = path.TrimEnd('/');
        if (trimmed is "/api" or "/apis" && Negotiation.AggregatedDiscovery(accept) is { } agg)
        {
            var (body, etag) = _discovery.Aggregated(trimmed, agg.Version);
            ctx.Response.Headers.ETag = etag;
            ctx.Response.Headers.Vary = "Accept";
            if (ctx.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                ctx.Response.StatusCode = 304;
                return;
            }
            await ResponseWriter.WriteBytesAsync(ctx, 200, body, agg.ContentType).ConfigureAwait(false);
            return;
        }
        if (_discovery.Legacy(trimmed) is { } legacy)
        {
            ctx.Response.Headers.Vary = "Accept";
            await ResponseWriter.WriteBytesAsync(ctx, 200, legacy).ConfigureAwait(false);
            return;
        }
        if (trimmed == "/openapi/v2")
        {
            if (Negotiation.WantsOpenApiProtobuf(accept))
            {
                // kube answers with ".v1.0" where clients ask with "@v1.0": Go's mime parser rejects the '@'.
                await ResponseWriter.WriteBytesAsync(ctx, 200, OpenApiV2Protobuf.Encode(_openApi.GetV2Document()),
                    OpenApiV2Protobuf.ContentType).ConfigureAwait(false);
            }
            else
            {
                await ResponseWriter.WriteBytesAsync(ctx, 200, _openApi.GetV2Json()).ConfigureAwait(false);
            }
            return;
        }
        if (trimmed == "/openapi/v3")
        {
            await ResponseWriter.WriteBytesAsync(ctx, 200, _openApi.GetV3Index()).ConfigureAwait(false);
            return;
        }
        if (trimmed.StartsWith("/openapi/v3/", StringComparison.Ordinal)
            && _openApi.TryGetV3(trimmed["/openapi/v3/".Length..], out var doc, out var hash))
        {
            ctx.Response.Headers.ETag = "\"" + hash + "\"";
            ctx.Response.Headers.CacheControl = ctx.Request.Query["hash"] == hash
                ? "public, immutable, max-age=31536000"
                : "no-cache, private";
            await ResponseWriter.WriteBytesAsync(ctx, 200, doc).ConfigureAwait(false);
            return;
        }
        if (_nonResource.TryGetValue(trimmed, out var handler))
        {
            await handler(ctx).ConfigureAwait(false);
            return;
        }
        throw StatusException.Create(404, "NotFound", "the server could not find the requested resource");
    }

    private readonly Dictionary<string, Func<HttpContext, Task>> _nonResource = new(StringComparer.Ordinal);

    /// <summary>Adds a handler for a non-resource path (e.g. /metrics).</summary>
    public void MapNonResource(string path, Func<HttpContext, Task> handler) => _nonResource[path] = handler;

    private async Task HandleResourceAsync(HttpContext ctx, RequestInfo ri, RequestUser user)
    {
        var info = _storage.Kinds.Find(ri.Group, ri.Version, ri.Resource)
            ?? throw StatusException.Create(404, "NotFound", "the server could not find the requested resource");
        if (!info.Namespaced && ri.Namespace.Length > 0)
        {
            throw StatusException.Create(404, "NotFound", "the server could not find the requested resource");
        }
        var verb = ri.Verb;
        if (ri.Subresource.Length == 0 && !info.Verbs.Contains(verb) && !(verb == "watch" && info.Verbs.Contains("list")))
        {
            throw StatusException.MethodNotAllowed($"the server does not allow this method on the requested resource");
        }
        if (!Authenticator.Authorize(user, verb))
        {
            var where = info.Namespaced && ri.Namespace.Length > 0 ? $" in the namespace \"{ri.Namespace}\"" : " at the cluster scope";
            throw StatusException.Forbidden(info.Resource, info.Group, ri.Name,
                $"User \"{user.Name}\" cannot {verb} resource \"{info.Resource}{(ri.Subresource.Length > 0 ? "/" + ri.Subresource : "")}\" in API group \"{info.Group}\"{where}");
        }
        var ns = info.Namespaced ? ri.Namespace : "";
        if (ri.Subresource.Length > 0)
        {
            if (!info.Subresources.Contains(ri.Subresource))
            {
                throw StatusException.Create(404, "NotFound", "the server could not find the requested resource");
            }
            await HandleSubresourceAsync(ctx, info, ri, ns, user).ConfigureAwait(false);
            return;
        }
        if (info.Namespaced && ns.Length == 0 && verb is "create" or "get" or "update" or "patch" or "delete" or "deletecollection")
        {
            if (verb != "create" || info.Resource != "bindings")
            {
                throw StatusException.Create(404, "NotFound", "the server could not find the requested resource");
            }
        }
        var shape = Negotiation.Shape(ctx.Request.Headers.Accept.ToString());
        switch (verb)
        {
            case "get":
                await GetAsync(ctx, info, ns, ri.Name, shape).ConfigureAwait(false);
                break;
            case "list":
                await ListAsync(ctx, info, ns, shape).ConfigureAwait(false);
                break;
            case "watch":
                await WatchAsync(ctx, info, ns, ri.Name, shape).ConfigureAwait(false);
                break;
            case "create":
                await CreateAsync(ctx, info, ns, user, shape).ConfigureAwait(false);
                break;
            case "update":
                await UpdateAsync(ctx, info, ns, ri.Name, "", user, shape).ConfigureAwait(false);
                break;
            case "patch":
                await PatchAsync(ctx, info, ns, ri.Name, "", user, shape).ConfigureAwait(false);
                break;
            case "delete":
                await DeleteAsync(ctx, info, ns, ri.Name, user).ConfigureAwait(false);
                break;
            case "deletecollection":
                await DeleteCollectionAsync(ctx, info, ns, user).ConfigureAwait(false);
                break;
            default:
                throw StatusException.MethodNotAllowed($"the server does not allow this method on the requested resource");
        }
    }

    // ───────────────────────────── bodies ─────────────────────────────

    /// <summary>Reads the request body up to the 3 MiB limit (413 beyond it).</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > BodyDecoder.MaxBodyBytes)
        {
            throw StatusException.TooLarge("Request entity too large: limit is 3145728");
        }
        using var ms = new MemoryStream(ctx.Request.ContentLength is long len ? (int)len : 4096);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (ms.Length + read > BodyDecoder.MaxBodyBytes)
                {
                    throw StatusException.TooLarge("Request entity too large: limit is 3145728");
                }
                ms.Write(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return ms.ToArray();
    }

    private async Task<(JsonObject Obj, WriteOptions Options, List<string> Warnings)> ReadObjectAsync(HttpContext ctx, ResourceInfo info, RequestUser user)
    {
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var duplicates = new List<string>();
        var obj = BodyDecoder.Decode(body, ctx.Request.ContentType, info, _storage.Kinds, duplicates);
        var warnings = new List<string>();
        return (obj, QueryOptions.Write(ctx, user, warnings, duplicates), warnings);
    }

    // ───────────────────────────── verbs ─────────────────────────────

    private async Task GetAsync(HttpContext ctx, ResourceInfo info, string ns, string name, ResponseShape shape)
    {
        var rv = ctx.Request.Query["resourceVersion"].ToString();
        if (rv is "0" && !_storage.Converter.NeedsConversion(info))
        {
            // "Any" freshness: serve from the cache without a store round trip, as kube does.
            var cached = _storage.Cache.Resource(ObjectCodec.Prefix(info)).Get(ObjectCodec.Key(info, ns, name))
                ?? throw StatusException.NotFound(info.Resource, info.Group, name);
            if (shape == ResponseShape.Object)
            {
                await ResponseWriter.WriteBytesAsync(ctx, 200, cached.Json).ConfigureAwait(false);
                return;
            }
            await _writer.WriteObjectAsync(ctx, 200, info, KubeJson.ParseObject(cached.Json), shape).ConfigureAwait(false);
            return;
        }
        if (shape == ResponseShape.Object)
        {
            var bytes = await _storage.GetBytesAsync(info, ns, name, ctx.RequestAborted).ConfigureAwait(false)
                ?? throw StatusException.NotFound(info.Resource, info.Group, name);
            await ResponseWriter.WriteBytesAsync(ctx, 200, bytes).ConfigureAwait(false);
            return;
        }
        var obj = await _storage.GetAsync(info, ns, name, ctx.RequestAborted).ConfigureAwait(false);
        await _writer.WriteObjectAsync(ctx, 200, info, obj, shape).ConfigureAwait(false);
    }

    private async Task ListAsync(HttpContext ctx, ResourceInfo info, string ns, ResponseShape shape)
    {
        var options = QueryOptions.List(ctx.Request.Query);
        var list = await _storage.ListAsync(info, ns, options, ctx.RequestAborted).ConfigureAwait(false);
        await _writer.WriteListAsync(ctx, info, list, shape).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext ctx, ResourceInfo info, string ns, RequestUser user, ResponseShape shape)
    {
        if (info.Resource == "bindings")
        {
            await CreateBindingAsync(ctx, ns, "", user).ConfigureAwait(false);
            return;
        }
        var (obj, options, warnings) = await ReadObjectAsync(ctx, info, user).ConfigureAwait(false);
        var created = await _storage.CreateAsync(info, ns, obj, options, ctx.RequestAborted).ConfigureAwait(false);
        ResponseWriter.AddWarnings(ctx, warnings);
        await _writer.WriteObjectAsync(ctx, 201, info, created, shape).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext ctx, ResourceInfo info, string ns, string name, string subresource, RequestUser user, ResponseShape shape)
    {
        var (obj, options, warnings) = await ReadObjectAsync(ctx, info, user).ConfigureAwait(false);
        var existed = true;
        if (subresource.Length == 0)
        {
            existed = await _storage.Store.GetAsync(ObjectCodec.Key(info, ns, name), ctx.RequestAborted).ConfigureAwait(false) is not null;
        }
        var updated = await _storage.UpdateAsync(info, ns, name, obj, subresource, options, ctx.RequestAborted).ConfigureAwait(false);
        ResponseWriter.AddWarnings(ctx, warnings);
        await _writer.WriteObjectAsync(ctx, existed ? 200 : 201, info, updated, shape).ConfigureAwait(false);
    }

    private static PatchType PatchTypeOf(string? contentType) => BodyDecoder.MediaType(contentType) switch
    {
        "application/json-patch+json" => PatchType.Json,
        "application/merge-patch+json" => PatchType.Merge,
        "application/strategic-merge-patch+json" => PatchType.StrategicMerge,
        "application/apply-patch+yaml" or "application/apply-patch+json" => PatchType.Apply,
        _ => throw StatusException.UnsupportedMediaType(contentType ?? ""),
    };

    private async Task PatchAsync(HttpContext ctx, ResourceInfo info, string ns, string name, string subresource, RequestUser user, ResponseShape shape)
    {
        var type = PatchTypeOf(ctx.Request.ContentType);
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var warnings = new List<string>();
        var options = QueryOptions.Write(ctx, user, warnings);
        if (type == PatchType.Apply && string.IsNullOrEmpty(options.FieldManager))
        {
            throw StatusException.BadRequest("PATCH, fieldManager: Required value: is required for apply patch");
        }
        var force = QueryOptions.Bool(ctx.Request.Query, "force") ?? false;
        if (force && type != PatchType.Apply)
        {
            throw StatusException.BadRequest("force: Invalid value: true: may not be specified for non-apply patch");
        }
        var existed = type != PatchType.Apply
            || await _storage.Store.GetAsync(ObjectCodec.Key(info, ns, name), ctx.RequestAborted).ConfigureAwait(false) is not null;
        var patched = await _storage.PatchAsync(info, ns, name, type, body, subresource, options, force, ctx.RequestAborted).ConfigureAwait(false);
        ResponseWriter.AddWarnings(ctx, warnings);
        await _writer.WriteObjectAsync(ctx, existed ? 200 : 201, info, patched, shape).ConfigureAwait(false);
    }

    private async Task<k8s.Models.V1DeleteOptions?> ReadDeleteOptionsAsync(HttpContext ctx)
    {
        k8s.Models.V1DeleteOptions? options = null;
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        if (body.Length > 0)
        {
            try
            {
                var node = BodyDecoder.MediaType(ctx.Request.ContentType) == KubernetesProtobuf.MediaType
                    ? KubernetesProtobuf.Decode(body, _storage.Kinds)
                    : BodyDecoder.DecodeJsonObject(body);
                options = KubeJson.Deserialize<k8s.Models.V1DeleteOptions>(node);
            }
            catch (JsonException e)
            {
                throw StatusException.BadRequest("invalid DeleteOptions: " + e.Message);
            }
        }
        var q = ctx.Request.Query;
        if (QueryOptions.Long(q, "gracePeriodSeconds") is long grace)
        {
            options ??= new k8s.Models.V1DeleteOptions();
            options.GracePeriodSeconds = grace;
        }
        if (q["propagationPolicy"].ToString() is { Length: > 0 } policy)
        {
            options ??= new k8s.Models.V1DeleteOptions();
            options.PropagationPolicy = policy;
        }
        if (QueryOptions.Bool(q, "orphanDependents") is bool orphan)
        {
            options ??= new k8s.Models.V1DeleteOptions();
            options.OrphanDependents = orphan;
        }
        if (q["dryRun"].Count > 0)
        {
            options ??= new k8s.Models.V1DeleteOptions();
            options.DryRun = q["dryRun"].ToArray()!;
        }
        return options;
    }

    private async Task DeleteAsync(HttpContext ctx, ResourceInfo info, string ns, string name, RequestUser user)
    {
        var deleteOptions = await ReadDeleteOptionsAsync(ctx).ConfigureAwait(false);
        var warnings = new List<string>();
        var options = QueryOptions.Write(ctx, user, warnings) with { DryRun = deleteOptions?.DryRun?.Contains("All") == true };
        var (obj, deleted) = await _storage.DeleteAsync(info, ns, name, deleteOptions, options, ctx.RequestAborted).ConfigureAwait(false);
        ResponseWriter.AddWarnings(ctx, warnings);
        if (deleted && info.StorageResource is not ("pods" or "namespaces"))
        {
            await ResponseWriter.WriteSuccessAsync(ctx, info, name, ObjectMeta.Uid(obj)).ConfigureAwait(false);
            return;
        }
        await ResponseWriter.WriteBytesAsync(ctx, 200, KubeJson.ToBytes(obj)).ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext ctx, ResourceInfo info, string ns, RequestUser user)
    {
        var deleteOptions = await ReadDeleteOptionsAsync(ctx).ConfigureAwait(false);
        var warnings = new List<string>();
        var options = QueryOptions.Write(ctx, user, warnings) with { DryRun = deleteOptions?.DryRun?.Contains("All") == true };
        var listOptions = QueryOptions.List(ctx.Request.Query);
        var deleted = await _storage.DeleteCollectionAsync(info, ns, listOptions, deleteOptions, options, ctx.RequestAborted).ConfigureAwait(false);
        var list = new JsonObject
        {
            ["kind"] = info.ListKind,
            ["apiVersion"] = info.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = _storage.Store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = new JsonArray(deleted.Select(d => (JsonNode)d).ToArray()),
        };
        await ResponseWriter.WriteBytesAsync(ctx, 200, KubeJson.ToBytes(list)).ConfigureAwait(false);
    }
}
