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
/// conformed to their model type's schema in place — unknown fields and nulls dropped, values of the wrong
/// JSON type rejected with 400 — as kube-apiserver's decode into the Go types does.
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
        // What decoding into the Go struct does, in place: drop unknown fields and nulls, and reject values
        // of the wrong JSON type (kube answers 400 "cannot unmarshal"). Quantities are made canonical by the
        // kind's strategy afterwards.
        var error = Conform(obj, TypeSchema.For(info.ModelType), "", info.ModelType.Name, root: true);
        if (error is not null)
        {
            throw StatusException.BadRequest($"{info.Kind} in version \"{info.Version}\" cannot be handled as a {info.Kind}: {error}");
        }
        return obj;
    }

    /// <summary>Conforms a node to its schema; returns Go's unmarshal error text for the first mismatch, or null.</summary>
    private static string? Conform(JsonNode node, TypeSchema schema, string path, string owner, bool root = false)
    {
        switch (schema.Kind)
        {
            case SchemaKind.Object:
                if (node is not JsonObject obj)
                {
                    return Mismatch(node, path, owner, "object");
                }
                List<string>? drop = null;
                foreach (var (k, v) in obj)
                {
                    if (root && k is "apiVersion" or "kind")
                    {
                        continue;
                    }
                    if (v is null || !schema.Properties.TryGetValue(k, out var prop))
                    {
                        (drop ??= []).Add(k);
                        continue;
                    }
                    var childPath = path.Length == 0 ? k : path + "." + k;
                    if (Conform(v, prop.Type, childPath, GoName(schema.ClrType)) is { } e)
                    {
                        return e;
                    }
                }
                if (drop is not null)
                {
                    foreach (var k in drop)
                    {
                        obj.Remove(k);
                    }
                }
                return null;
            case SchemaKind.Array:
                if (node is not JsonArray arr)
                {
                    return Mismatch(node, path, owner, "array");
                }
                for (var i = 0; i < arr.Count; i++)
                {
                    if (arr[i] is { } item && schema.Items is not null && Conform(item, schema.Items, path, owner) is { } e)
                    {
                        return e;
                    }
                }
                return null;
            case SchemaKind.Map:
                if (node is not JsonObject map)
                {
                    return Mismatch(node, path, owner, "map");
                }
                foreach (var (_, v) in map)
                {
                    if (v is not null && schema.Items is not null && Conform(v, schema.Items, path, owner) is { } e)
                    {
                        return e;
                    }
                }
                return null;
            case SchemaKind.Any:
                return null;
        }
        if (node is not JsonValue value)
        {
            return Mismatch(node, path, owner, schema.Kind.ToString().ToLowerInvariant());
        }
        var kind = value.GetValueKind();
        var ok = schema.Kind switch
        {
            SchemaKind.String or SchemaKind.Bytes or SchemaKind.DateTime => kind == JsonValueKind.String,
            SchemaKind.Integer => kind == JsonValueKind.Number && JsonNumbers.Long(value) is not null,
            SchemaKind.Number => kind == JsonValueKind.Number,
            SchemaKind.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            SchemaKind.IntOrString => kind == JsonValueKind.String || (kind == JsonValueKind.Number && JsonNumbers.Long(value) is not null),
            SchemaKind.Quantity => kind is JsonValueKind.String or JsonValueKind.Number,
            _ => true,
        };
        if (!ok)
        {
            return Mismatch(node, path, owner, GoType(schema));
        }
        if (schema.Kind == SchemaKind.Bytes && !IsBase64(value.GetValue<string>()))
        {
            return $"illegal base64 data at input byte 0 in field {path}";
        }
        return null;
    }

    private static bool IsBase64(string s)
    {
        Span<byte> buffer = s.Length <= 4096 ? stackalloc byte[s.Length] : new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out _);
    }

    private static string GoName(Type t) => t.Name.StartsWith('V') && t.Name.Length > 2 && char.IsDigit(t.Name[1])
        ? t.Name[(t.Name.IndexOfAny(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z'], 1) is var i and > 0 ? i : 0)..]
        : t.Name;

    private static string GoType(TypeSchema s) => s.Kind switch
    {
        SchemaKind.Integer => s.ClrType == typeof(long) || s.ClrType == typeof(long?) ? "int64" : "int32",
        SchemaKind.Number => "float64",
        SchemaKind.Boolean => "bool",
        SchemaKind.IntOrString => "intstr.IntOrString",
        SchemaKind.Quantity => "resource.Quantity",
        SchemaKind.DateTime => "v1.Time",
        SchemaKind.Bytes => "[]uint8",
        _ => "string",
    };

    private static string Mismatch(JsonNode node, string path, string owner, string goType)
    {
        var actual = node switch
        {
            JsonObject => "object",
            JsonArray => "array",
            JsonValue v => v.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "bool",
                _ => "null",
            },
            _ => "null",
        };
        return $"json: cannot unmarshal {actual} into Go struct field {owner}.{path} of type {goType}";
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
