using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// Checks an applied configuration against its schema the way kube's typed conversion does before an
/// apply (structured-merge-diff's validating walker): scalar types, undeclared fields, list items without
/// keys, duplicate keys. Returns kube's messages (<c>.spec.replicas: expected numeric (int or float), got string</c>).
/// </summary>
internal static class AppliedValidator
{
    public static List<string> Validate(JsonObject config, ISchemaNode schema)
    {
        var errors = new List<string>();
        ValidateValue(config, schema, "", errors);
        return errors;
    }

    private static void ValidateValue(JsonNode? v, ISchemaNode schema, string path, List<string> errors)
    {
        switch (schema.Kind)
        {
            case SchemaNodeKind.Scalar:
                if (ScalarError(schema.ScalarKind, v) is { } msg)
                {
                    errors.Add(Prefix(path, msg));
                }
                return;
            case SchemaNodeKind.List:
                if (v is null)
                {
                    return;
                }
                if (v is not JsonArray a)
                {
                    errors.Add(Prefix(path, "expected list, got " + Shapes.Describe(v)));
                    return;
                }
                ValidateList(a, schema, path, errors);
                return;
            case SchemaNodeKind.Map:
                if (v is null)
                {
                    return;
                }
                if (v is not JsonObject o)
                {
                    errors.Add(Prefix(path, "expected map, got " + Shapes.Describe(v)));
                    return;
                }
                foreach (var (key, child) in o)
                {
                    var childSchema = schema.Field(key) ?? schema.Elements;
                    var childPath = path + "." + key;
                    if (childSchema is null)
                    {
                        // kube stops at the first undeclared field of a map.
                        errors.Add(Prefix(childPath, "field not declared in schema"));
                        return;
                    }
                    ValidateValue(child, childSchema, childPath, errors);
                }
                return;
            default:
                // Untyped: anything goes, and nothing below has a schema either.
                return;
        }
    }

    private static void ValidateList(JsonArray a, ISchemaNode schema, string path, List<string> errors)
    {
        var elements = schema.Elements ?? DeducedSchemaNode.Instance;
        var seen = new HashSet<PathElement>();
        for (var i = 0; i < a.Count; i++)
        {
            PathElement pe;
            if (schema.ListKind == ListKind.Atomic)
            {
                pe = PathElement.ForIndex(i);
            }
            else
            {
                try
                {
                    pe = Shapes.ItemPe(schema, a[i]);
                }
                catch (SchemaValueException e)
                {
                    // Without an identity kube cannot even report errors below: it gives up on the list.
                    errors.Add(Prefix(path, $"element {i}: {e.Message}"));
                    return;
                }
                if (!seen.Add(pe))
                {
                    errors.Add(Prefix(path, "duplicate entries for key " + pe));
                }
            }
            ValidateValue(a[i], elements, path + pe, errors);
        }
    }

    private static string? ScalarError(ScalarKind kind, JsonNode? v)
    {
        if (v is null)
        {
            return null;
        }
        var valueKind = v is JsonValue jv ? jv.GetValueKind() : (v is JsonObject ? JsonValueKind.Object : JsonValueKind.Array);
        var isScalar = valueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;
        return kind switch
        {
            ScalarKind.Numeric when valueKind != JsonValueKind.Number => "expected numeric (int or float), got " + GoTypeName(valueKind),
            ScalarKind.String when valueKind != JsonValueKind.String => "expected string, got " + GoValue(v),
            ScalarKind.Boolean when valueKind is not (JsonValueKind.True or JsonValueKind.False) => "expected boolean, got " + GoValue(v),
            ScalarKind.Any when !isScalar => "expected any scalar, got " + GoValue(v),
            _ => null,
        };
    }

    // What Go's %T prints for the unstructured value kube decoded.
    private static string GoTypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Object => "map[string]interface {}",
        JsonValueKind.Array => "[]interface {}",
        _ => "<nil>",
    };

    // What Go's %#v prints for structured-merge-diff's unstructured value wrapper.
    private static string GoValue(JsonNode v) => "&value.valueUnstructured{Value:" + v.ToJsonString() + "}";

    private static string Prefix(string path, string message) => path.Length == 0 ? message : path + ": " + message;
}
