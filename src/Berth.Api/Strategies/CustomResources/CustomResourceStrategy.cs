using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.CustomResources;

/// <summary>
/// The strategy of a custom resource version, driven by its CRD's structural <c>openAPIV3Schema</c>:
/// defaulting from <c>default</c>, pruning of unknown fields (unless
/// <c>x-kubernetes-preserve-unknown-fields</c>), and validation with kube-apiserver's messages.
/// </summary>
public sealed class CustomResourceStrategy(JsonObject? schema) : IKindStrategy
{
    private static readonly Dictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    public JsonObject? Schema { get; } = schema;

    public void Default(JsonObject obj)
    {
        if (Schema is not null)
        {
            ApplyDefaults(obj, Schema, root: true);
            Prune(obj, Schema, root: true);
        }
    }

    public void PrepareForCreate(JsonObject obj)
    {
    }

    public void PrepareForUpdate(JsonObject obj, JsonObject old)
    {
    }

    public IReadOnlyList<FieldError> ValidateCreate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        if (Schema is not null)
        {
            ValidateRoot(obj, errors);
        }
        return errors;
    }

    public IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old) => ValidateCreate(obj);

    private void ValidateRoot(JsonObject obj, List<FieldError> errors)
    {
        var props = Schema!["properties"] as JsonObject;
        foreach (var (k, v) in obj)
        {
            if (k is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            if (props?[k] is JsonObject ps)
            {
                Validate(v, ps, k, errors);
            }
        }
        if (Schema["required"] is JsonArray required)
        {
            foreach (var r in required)
            {
                var name = r?.GetValue<string>();
                if (name is not null && name is not ("apiVersion" or "kind" or "metadata") && (!obj.ContainsKey(name) || obj[name] is null))
                {
                    errors.Add(FieldError.Required(name));
                }
            }
        }
    }

    private static bool Flag(JsonObject schema, string name) =>
        schema[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string? Str(JsonObject schema, string name) =>
        schema[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static void ApplyDefaults(JsonNode? node, JsonObject schema, bool root = false)
    {
        if (node is JsonObject obj)
        {
            if (schema["properties"] is JsonObject props)
            {
                foreach (var (k, ps) in props)
                {
                    if (root && k is "apiVersion" or "kind" or "metadata")
                    {
                        continue;
                    }
                    if (ps is not JsonObject propSchema)
                    {
                        continue;
                    }
                    if (!obj.ContainsKey(k) && propSchema["default"] is { } d)
                    {
                        obj[k] = d.DeepClone();
                    }
                    if (obj[k] is { } child)
                    {
                        ApplyDefaults(child, propSchema);
                    }
                }
            }
            else if (schema["additionalProperties"] is JsonObject adds)
            {
                foreach (var (_, v) in obj)
                {
                    ApplyDefaults(v, adds);
                }
            }
        }
        else if (node is JsonArray arr && schema["items"] is JsonObject items)
        {
            foreach (var item in arr)
            {
                ApplyDefaults(item, items);
            }
        }
    }

    private static void Prune(JsonNode? node, JsonObject schema, bool root = false)
    {
        if (node is JsonObject obj)
        {
            var props = schema["properties"] as JsonObject;
            var adds = schema["additionalProperties"];
            var preserve = Flag(schema, "x-kubernetes-preserve-unknown-fields");
            if (Flag(schema, "x-kubernetes-embedded-resource"))
            {
                // apiVersion, kind and metadata of an embedded object are always kept.
                root = true;
            }
            foreach (var (k, v) in obj.ToList())
            {
                if (root && k is "apiVersion" or "kind" or "metadata")
                {
                    continue;
                }
                if (props?[k] is JsonObject ps)
                {
                    Prune(v, ps);
                }
                else if (adds is JsonObject addSchema)
                {
                    Prune(v, addSchema);
                }
                else if (adds is JsonValue av && av.TryGetValue<bool>(out var allowed) && allowed)
                {
                }
                else if (!preserve)
                {
                    obj.Remove(k);
                }
            }
        }
        else if (node is JsonArray arr && schema["items"] is JsonObject items)
        {
            foreach (var item in arr)
            {
                Prune(item, items);
            }
        }
    }

    private static void Validate(JsonNode? node, JsonObject schema, string path, List<FieldError> errors)
    {
        if (node is null)
        {
            if (!Flag(schema, "nullable"))
            {
                var type = Str(schema, "type");
                if (type is not null)
                {
                    errors.Add(FieldError.Invalid(path, "null", $"{path} in body must be of type {type}: \"null\""));
                }
            }
            return;
        }
        if (Flag(schema, "x-kubernetes-int-or-string"))
        {
            if (node is JsonValue iv && (iv.GetValueKind() is JsonValueKind.String || IsInteger(iv)))
            {
                return;
            }
            errors.Add(FieldError.Invalid(path, Describe(node), $"{path} in body must be of type integer,string: \"{TypeName(node)}\""));
            return;
        }
        var expected = Str(schema, "type");
        if (expected is not null && !TypeMatches(node, expected))
        {
            errors.Add(FieldError.Invalid(path, TypeName(node), $"{path} in body must be of type {expected}: \"{TypeName(node)}\""));
            return;
        }
        if (schema["enum"] is JsonArray allowedValues && !allowedValues.Any(a => JsonNode.DeepEquals(a, node)))
        {
            errors.Add(new FieldError(FieldErrorType.NotSupported, path, Describe(node),
                "supported values: " + string.Join(", ", allowedValues.Select(a => a?.ToJsonString() ?? "null"))));
        }
        switch (node)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, errors);
                break;
            case JsonArray arr:
                if (schema["minItems"] is JsonValue minI && arr.Count < minI.GetValue<long>())
                {
                    errors.Add(FieldError.Invalid(path, arr.Count, $"{path} in body should have at least {minI.GetValue<long>()} items"));
                }
                if (schema["maxItems"] is JsonValue maxI && arr.Count > maxI.GetValue<long>())
                {
                    errors.Add(new FieldError(FieldErrorType.TooMany, path, arr.Count, $"must have at most {maxI.GetValue<long>()} items"));
                }
                if (schema["items"] is JsonObject items)
                {
                    for (var i = 0; i < arr.Count; i++)
                    {
                        Validate(arr[i], items, $"{path}[{i}]", errors);
                    }
                }
                break;
            case JsonValue value:
                ValidateScalar(value, schema, path, errors);
                break;
        }
    }

    private static void ValidateObject(JsonObject obj, JsonObject schema, string path, List<FieldError> errors)
    {
        var props = schema["properties"] as JsonObject;
        foreach (var (k, v) in obj)
        {
            var childPath = path + "." + k;
            if (props?[k] is JsonObject ps)
            {
                Validate(v, ps, childPath, errors);
            }
            else if (schema["additionalProperties"] is JsonObject adds)
            {
                Validate(v, adds, childPath, errors);
            }
        }
        if (schema["required"] is JsonArray required)
        {
            foreach (var r in required)
            {
                var name = r?.GetValue<string>();
                if (name is not null && !obj.ContainsKey(name))
                {
                    errors.Add(FieldError.Required(path + "." + name));
                }
            }
        }
        if (schema["minProperties"] is JsonValue minP && obj.Count < minP.GetValue<long>())
        {
            errors.Add(FieldError.Invalid(path, obj.Count, $"{path} in body should have at least {minP.GetValue<long>()} properties"));
        }
        if (schema["maxProperties"] is JsonValue maxP && obj.Count > maxP.GetValue<long>())
        {
            errors.Add(new FieldError(FieldErrorType.TooMany, path, obj.Count, $"must have at most {maxP.GetValue<long>()} items"));
        }
    }

    private static void ValidateScalar(JsonValue value, JsonObject schema, string path, List<FieldError> errors)
    {
        if (value.GetValueKind() == JsonValueKind.String)
        {
            var s = value.GetValue<string>();
            if (schema["maxLength"] is JsonValue maxL && s.Length > maxL.GetValue<long>())
            {
                errors.Add(new FieldError(FieldErrorType.TooLong, path, null, $"may not be more than {maxL.GetValue<long>()} bytes"));
            }
            if (schema["minLength"] is JsonValue minL && s.Length < minL.GetValue<long>())
            {
                errors.Add(FieldError.Invalid(path, s, $"{path} in body should be at least {minL.GetValue<long>()} chars long"));
            }
            if (Str(schema, "pattern") is { } pattern && !PatternFor(pattern).IsMatch(s))
            {
                errors.Add(FieldError.Invalid(path, s, $"{path} in body should match '{pattern}'"));
            }
            if (Str(schema, "format") == "date-time" && !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                errors.Add(FieldError.Invalid(path, s, $"{path} in body must be of type date-time: \"{s}\""));
            }
            return;
        }
        if (value.GetValueKind() == JsonValueKind.Number)
        {
            var d = value.GetValue<double>();
            if (schema["minimum"] is JsonValue min)
            {
                var m = min.GetValue<double>();
                var exclusive = Flag(schema, "exclusiveMinimum");
                if (exclusive ? d <= m : d < m)
                {
                    errors.Add(FieldError.Invalid(path, Describe(value),
                        $"{path} in body should be greater than {(exclusive ? "" : "or equal to ")}{min.ToJsonString()}"));
                }
            }
            if (schema["maximum"] is JsonValue max)
            {
                var m = max.GetValue<double>();
                var exclusive = Flag(schema, "exclusiveMaximum");
                if (exclusive ? d >= m : d > m)
                {
                    errors.Add(FieldError.Invalid(path, Describe(value),
                        $"{path} in body should be less than {(exclusive ? "" : "or equal to ")}{max.ToJsonString()}"));
                }
            }
        }
    }

    private static Regex PatternFor(string pattern)
    {
        lock (Patterns)
        {
            if (!Patterns.TryGetValue(pattern, out var r))
            {
                r = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                Patterns[pattern] = r;
            }
            return r;
        }
    }

    private static bool IsInteger(JsonValue v) =>
        v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && Math.Floor(d) == d && !double.IsInfinity(d);

    private static bool TypeMatches(JsonNode node, string type) => type switch
    {
        "object" => node is JsonObject,
        "array" => node is JsonArray,
        "string" => node is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        "integer" => node is JsonValue v && IsInteger(v),
        "number" => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
        "boolean" => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        _ => true,
    };

    private static string TypeName(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => IsInteger(v) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "null",
    };

    private static object Describe(JsonNode node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? v.GetValue<string>()
        : node.ToJsonString();
}
