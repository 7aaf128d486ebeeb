using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Schema;

namespace Berth.ApiServer.Registry;

/// <summary>
/// Field validation and canonical form. Unknown and duplicate fields are reported per the request's
/// fieldValidation level (Strict: 400; Warn: a warning; Ignore: silently dropped); built-in kinds are then
/// round-tripped through their model type, which drops unknown fields, rejects wrong types with 400 and
/// canonicalizes quantities — as kube-apiserver's decode does.
/// </summary>
public static class ObjectNormalizer
{
    /// <summary>Applies field validation to <paramref name="obj"/> and returns its canonical form.</summary>
    public static JsonObject Normalize(ResourceInfo info, JsonObject obj, WriteOptions options)
    {
        var problems = new List<string>();
        foreach (var d in options.DuplicateFields ?? [])
        {
            problems.Add($"duplicate field \"{d}\"");
        }
        if (options.FieldValidation != FieldValidation.Ignore)
        {
            var unknown = new List<string>();
            if (info.ModelType is not null)
            {
                FindUnknown(obj, TypeSchema.For(info.ModelType), "", unknown);
            }
            else if (info.CustomSchema is not null)
            {
                FindUnknownOpenApi(obj, info.CustomSchema, "", unknown, root: true);
            }
            foreach (var u in unknown)
            {
                problems.Add($"unknown field \"{u}\"");
            }
        }
        if (problems.Count > 0)
        {
            if (options.FieldValidation == FieldValidation.Strict)
            {
                throw StatusException.BadRequest(
                    $"{info.Kind} in version \"{info.Version}\" cannot be handled as a {info.Kind}: strict decoding error: {string.Join(", ", problems)}");
            }
            if (options.FieldValidation == FieldValidation.Warn)
            {
                options.Warnings?.AddRange(problems);
            }
        }
        if (info.ModelType is null)
        {
            return obj;
        }
        object typed;
        try
        {
            typed = KubeJson.Deserialize(obj, info.ModelType);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw StatusException.BadRequest(
                $"{info.Kind} in version \"{info.Version}\" cannot be handled as a {info.Kind}: {Describe(e)}");
        }
        return KubeJson.ToNode(typed, info.ModelType);
    }

    private static string Describe(Exception e)
    {
        if (e is JsonException je && je.Path is { } path)
        {
            return $"json: cannot unmarshal value at {path.TrimStart('$', '.')}: {je.Message}";
        }
        return e.Message;
    }

    private static void FindUnknown(JsonNode? node, TypeSchema schema, string path, List<string> unknown)
    {
        switch (schema.Kind)
        {
            case SchemaKind.Object when node is JsonObject obj:
                foreach (var (k, v) in obj)
                {
                    var p = path.Length == 0 ? k : path + "." + k;
                    if (path.Length == 0 && k is "apiVersion" or "kind")
                    {
                        continue;
                    }
                    if (!schema.Properties.TryGetValue(k, out var prop))
                    {
                        unknown.Add(p);
                        continue;
                    }
                    FindUnknown(v, prop.Type, p, unknown);
                }
                break;
            case SchemaKind.Array when node is JsonArray arr && schema.Items is not null:
                for (var i = 0; i < arr.Count; i++)
                {
                    FindUnknown(arr[i], schema.Items, $"{path}[{i}]", unknown);
                }
                break;
            case SchemaKind.Map when node is JsonObject map && schema.Items is not null:
                foreach (var (k, v) in map)
                {
                    FindUnknown(v, schema.Items, path + "." + k, unknown);
                }
                break;
        }
    }

    /// <summary>Unknown fields against a structural openAPIV3Schema (custom resources).</summary>
    public static void FindUnknownOpenApi(JsonNode? node, JsonObject schema, string path, List<string> unknown, bool root = false)
    {
        if (schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.TryGetValue<bool>(out var preserve) && preserve
            && schema["properties"] is null)
        {
            return;
        }
        if (node is JsonObject obj)
        {
            var props = schema["properties"] as JsonObject;
            var additional = schema["additionalProperties"];
            var preserveUnknown = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue pv && pv.TryGetValue<bool>(out var b) && b;
            foreach (var (k, v) in obj)
            {
                var childPath = path.Length == 0 ? k : path + "." + k;
                if (root && k is "apiVersion" or "kind" or "metadata")
                {
                    continue;
                }
                if (props?[k] is JsonObject ps)
                {
                    FindUnknownOpenApi(v, ps, childPath, unknown);
                }
                else if (additional is JsonObject adds)
                {
                    FindUnknownOpenApi(v, adds, childPath, unknown);
                }
                else if (additional is JsonValue av && av.TryGetValue<bool>(out var allowed) && allowed)
                {
                }
                else if (!preserveUnknown && (props is not null || additional is not null || schema["type"]?.GetValue<string>() == "object"))
                {
                    unknown.Add(childPath);
                }
            }
        }
        else if (node is JsonArray arr && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < arr.Count; i++)
            {
                FindUnknownOpenApi(arr[i], items, $"{path}[{i}]", unknown);
            }
        }
    }
}
