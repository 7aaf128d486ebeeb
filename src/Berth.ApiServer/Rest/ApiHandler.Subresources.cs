using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Objects;
using Berth.Api.Schema;
using Berth.Api.Selectors;
using Berth.ApiServer.Patch;
using Berth.ApiServer.Registry;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace Berth.ApiServer.Rest;

public sealed partial class ApiHandler
{
    private async Task HandleSubresourceAsync(HttpContext ctx, ResourceInfo info, RequestInfo ri, string ns, RequestUser user)
    {
        var shape = Negotiation.Shape(ctx.Request.Headers.Accept.ToString());
        var method = ctx.Request.Method;
        switch (ri.Subresource)
        {
            case "status" or "ephemeralcontainers" or "resize":
                var sub = ri.Subresource == "status" ? "status" : "";
                switch (method)
                {
                    case "GET":
                        await GetAsync(ctx, info, ns, ri.Name, shape).ConfigureAwait(false);
                        return;
                    case "PUT":
                        await UpdateAsync(ctx, info, ns, ri.Name, sub, user, shape).ConfigureAwait(false);
                        return;
                    case "PATCH":
                        await PatchAsync(ctx, info, ns, ri.Name, sub, user, shape).ConfigureAwait(false);
                        return;
                }
                break;
            case "finalize" when method == "PUT":
                await UpdateAsync(ctx, info, ns, ri.Name, "finalize", user, shape).ConfigureAwait(false);
                return;
            case "scale":
                await ScaleAsync(ctx, info, ns, ri.Name, user).ConfigureAwait(false);
                return;
            case "binding" when method == "POST":
                await CreateBindingAsync(ctx, ns, ri.Name, user).ConfigureAwait(false);
                return;
            case "eviction" when method == "POST":
                await EvictAsync(ctx, info, ns, ri.Name, user).ConfigureAwait(false);
                return;
            default:
                if (_subresources.TryGetValue(info.Resource + "/" + ri.Subresource, out var handler))
                {
                    await handler.HandleAsync(ctx, info, ns, ri.Name, user).ConfigureAwait(false);
                    return;
                }
                throw StatusException.Create(404, "NotFound", "the server could not find the requested resource");
        }
        throw StatusException.MethodNotAllowed("the server does not allow this method on the requested resource");
    }

    // ───────────────────────────── scale ─────────────────────────────

    private static JsonObject ToScale(ResourceInfo info, JsonObject obj)
    {
        var meta = ObjectMeta.Metadata(obj);
        var specPath = info.ScaleSubresource?.SpecReplicasPath ?? ".spec.replicas";
        var statusPath = info.ScaleSubresource?.StatusReplicasPath ?? ".status.replicas";
        var selectorPath = info.ScaleSubresource?.LabelSelectorPath;
        string selector = "";
        if (info.ModelType is not null)
        {
            var sel = obj["spec"]?["selector"];
            selector = sel switch
            {
                JsonObject o when o.ContainsKey("matchLabels") || o.ContainsKey("matchExpressions") =>
                    LabelSelector.FromApi(KubeJson.Deserialize<V1LabelSelector>(o)).ToString(),
                JsonObject o => LabelSelector.FromMap(o.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "")).ToString(),
                _ => "",
            };
        }
        else if (selectorPath is not null && JsonPathValue(obj, selectorPath) is JsonValue sv && sv.TryGetValue<string>(out var s))
        {
            selector = s;
        }
        var status = new JsonObject { ["replicas"] = JsonNumbers.Int(JsonPathValue(obj, statusPath)) ?? 0 };
        if (selector.Length > 0)
        {
            status["selector"] = selector;
        }
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta["name"]?.DeepClone(),
                ["namespace"] = meta["namespace"]?.DeepClone(),
                ["uid"] = meta["uid"]?.DeepClone(),
                ["resourceVersion"] = meta["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = meta["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = JsonNumbers.Int(JsonPathValue(obj, specPath)) ?? 0 },
            ["status"] = status,
        };
    }

    private static JsonNode? JsonPathValue(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.TrimStart('.').Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }
        return node;
    }

    private static void SetJsonPath(JsonObject obj, string path, int value)
    {
        var parts = path.TrimStart('.').Split('.');
        var node = obj;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (node[parts[i]] is not JsonObject child)
            {
                child = new JsonObject();
                node[parts[i]] = child;
            }
            node = child;
        }
        node[parts[^1]] = value;
    }

    private async Task ScaleAsync(HttpContext ctx, ResourceInfo info, string ns, string name, RequestUser user)
    {
        var method = ctx.Request.Method;
        if (method == "GET")
        {
            var obj = await _storage.GetAsync(info, ns, name, ctx.RequestAborted).ConfigureAwait(false);
            await ResponseWriter.WriteBytesAsync(ctx, 200, KubeJson.ToBytes(ToScale(info, obj))).ConfigureAwait(false);
            return;
        }
        if (method is not ("PUT" or "PATCH"))
        {
            throw StatusException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var warnings = new List<string>();
        var options = QueryOptions.Write(ctx, user, warnings);
        var specPath = info.ScaleSubresource?.SpecReplicasPath ?? ".spec.replicas";
        var scaleInfo = _storage.Kinds.Find("autoscaling", "v1", "horizontalpodautoscalers")! with { Kind = "Scale", ModelType = typeof(V1Scale) };
        var result = await _storage.GuaranteedUpdateAsync(info, ns, name, "", current =>
        {
            var scale = ToScale(info, current);
            JsonObject desired;
            if (method == "PUT")
            {
                desired = BodyDecoder.Decode(body, ctx.Request.ContentType, scaleInfo, _storage.Kinds, []);
                var rv = ObjectMeta.ResourceVersion(desired);
                if (!string.IsNullOrEmpty(rv) && rv != ObjectMeta.ResourceVersion(current))
                {
                    throw StatusException.Conflict(info.Resource, info.Group, name, StatusException.ModifiedMessage);
                }
            }
            else
            {
                desired = PatchTypeOf(ctx.Request.ContentType) switch
                {
                    PatchType.Json => JsonPatch.Apply(scale, body),
                    PatchType.Merge => MergePatch.Apply(scale, body),
                    PatchType.StrategicMerge => StrategicMergePatch.Apply(scale, BodyDecoder.DecodeJsonObject(body), TypeSchema.For<V1Scale>()),
                    _ => throw StatusException.UnsupportedMediaType(ctx.Request.ContentType ?? ""),
                };
            }
            var replicas = JsonNumbers.Int(desired["spec"]?["replicas"]) ?? 0;
            if (replicas < 0)
            {
                throw StatusException.Invalid("Scale", "autoscaling", name,
                    [Api.Validation.FieldError.Invalid("spec.replicas", replicas, "must be greater than or equal to 0")]);
            }
            SetJsonPath(current, specPath, replicas);
            return current;
        }, options, ctx.RequestAborted).ConfigureAwait(false);
        await ResponseWriter.WriteBytesAsync(ctx, 200, KubeJson.ToBytes(ToScale(info, result))).ConfigureAwait(false);
    }

    // ───────────────────────────── binding ─────────────────────────────

    private async Task CreateBindingAsync(HttpContext ctx, string ns, string podName, RequestUser user)
    {
        var bindingInfo = _storage.Kinds.Find("", "v1", "bindings")!;
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var obj = BodyDecoder.Decode(body, ctx.Request.ContentType, bindingInfo, _storage.Kinds, []);
        var binding = KubeJson.Deserialize<V1Binding>(obj);
        var name = string.IsNullOrEmpty(podName) ? binding.Metadata?.Name ?? "" : podName;
        if (!string.IsNullOrEmpty(podName) && !string.IsNullOrEmpty(binding.Metadata?.Name) && binding.Metadata.Name != podName)
        {
            throw StatusException.BadRequest($"the name of the object ({binding.Metadata.Name}) does not match the name on the URL ({podName})");
        }
        if (binding.Target is null || string.IsNullOrEmpty(binding.Target.Name) || (binding.Target.Kind is { Length: > 0 } k && k != "Node"))
        {
            throw StatusException.Invalid("Binding", "", name,
                [Api.Validation.FieldError.NotSupported("target.kind", binding.Target?.Kind ?? "", ["Node", "<empty>"])]);
        }
        await _storage.BindAsync(ns, name, binding.Target.Name, binding.Metadata?.Annotations, QueryOptions.Write(ctx, user, []), ctx.RequestAborted)
            .ConfigureAwait(false);
        var status = new V1Status { ApiVersion = "v1", Kind = "Status", Metadata = new V1ListMeta(), Status = "Success", Code = 201 };
        await ResponseWriter.WriteBytesAsync(ctx, 201, KubeJson.SerializeToUtf8(status)).ConfigureAwait(false);
    }

    // ───────────────────────────── eviction ─────────────────────────────

    private async Task EvictAsync(HttpContext ctx, ResourceInfo info, string ns, string name, RequestUser user)
    {
        var evictionInfo = _storage.Kinds.Find("", "v1", "pods")! with { Group = "policy", Version = "v1", Kind = "Eviction", ModelType = typeof(V1Eviction) };
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var obj = BodyDecoder.Decode(body, ctx.Request.ContentType, evictionInfo, _storage.Kinds, []);
        var eviction = KubeJson.Deserialize<V1Eviction>(obj);
        if (!string.IsNullOrEmpty(eviction.Metadata?.Name) && eviction.Metadata.Name != name)
        {
            throw StatusException.BadRequest($"name in URL does not match name in Eviction object");
        }
        var warnings = new List<string>();
        var options = QueryOptions.Write(ctx, user, warnings);
        await _storage.Eviction.EvictAsync(info, ns, name, eviction.DeleteOptions, options, ctx.RequestAborted).ConfigureAwait(false);
        var status = new V1Status { ApiVersion = "v1", Kind = "Status", Metadata = new V1ListMeta(), Status = "Success", Code = 201 };
        await ResponseWriter.WriteBytesAsync(ctx, 201, KubeJson.SerializeToUtf8(status)).ConfigureAwait(false);
    }
}
