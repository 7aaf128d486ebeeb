using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Schema;
using Berth.Api.Validation;

namespace Berth.Api.Strategies;

/// <summary>
/// Rewrites every resource quantity of an object in canonical form, walking the JSON alongside the
/// model's <see cref="TypeSchema"/>. Resource lists (maps of quantities) are first rounded up to milli
/// precision, as SetDefaults_ResourceList does.
/// </summary>
internal static class QuantityNormalizer
{
    public static void Normalize(JsonObject obj, TypeSchema schema) => Walk(obj, schema, obj);

    private static void Walk(JsonNode? node, TypeSchema schema, JsonObject root)
    {
        switch (schema.Kind)
        {
            case SchemaKind.Object when node is JsonObject o:
                // Snapshot the keys: values are replaced while iterating.
                foreach (var key in o.Select(kv => kv.Key).ToList())
                {
                    if (schema.Child(key) is { } child && child.Kind is SchemaKind.Object or SchemaKind.Array or SchemaKind.Map or SchemaKind.Quantity)
                    {
                        if (child.Kind == SchemaKind.Quantity)
                        {
                            o[key] = Canonical(o[key], roundToMilli: false, root);
                        }
                        else
                        {
                            Walk(o[key], child, root);
                        }
                    }
                }
                break;
            case SchemaKind.Array when node is JsonArray a && schema.Items is { } items:
                for (var i = 0; i < a.Count; i++)
                {
                    if (items.Kind == SchemaKind.Quantity)
                    {
                        a[i] = Canonical(a[i], roundToMilli: false, root);
                    }
                    else
                    {
                        Walk(a[i], items, root);
                    }
                }
                break;
            case SchemaKind.Map when node is JsonObject m && schema.Items is { } values:
                foreach (var key in m.Select(kv => kv.Key).ToList())
                {
                    if (values.Kind == SchemaKind.Quantity)
                    {
                        m[key] = Canonical(m[key], roundToMilli: true, root);
                    }
                    else
                    {
                        Walk(m[key], values, root);
                    }
                }
                break;
        }
    }

    private static JsonNode? Canonical(JsonNode? node, bool roundToMilli, JsonObject root)
    {
        if (node is null)
        {
            return null;
        }
        string? text = node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : JsonAccess.AsString(node);
        var error = Quantity.FormatError;
        if (text is null || !Quantity.TryParse(text, out var q, out error))
        {
            var kind = root.S("kind");
            var apiVersion = root.S("apiVersion");
            var version = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..] : apiVersion;
            throw StatusException.BadRequest(
                $"{kind} in version \"{version}\" cannot be handled as a {kind}: {error}");
        }
        if (roundToMilli)
        {
            q = q.RoundUpToMilli();
        }
        return q.ToString();
    }
}
