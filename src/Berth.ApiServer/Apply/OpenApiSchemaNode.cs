using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Schema;
using k8s.Models;

namespace Berth.ApiServer.Apply;

/// <summary>
/// An <see cref="ISchemaNode"/> over a CRD's structural <c>openAPIV3Schema</c>, reading
/// <c>x-kubernetes-list-type</c>, <c>x-kubernetes-list-map-keys</c>, <c>x-kubernetes-map-type</c>,
/// <c>x-kubernetes-preserve-unknown-fields</c>, <c>x-kubernetes-int-or-string</c>,
/// <c>x-kubernetes-embedded-resource</c>, <c>nullable</c> and <c>default</c> as kube's CRD type converter does.
/// </summary>
/// <remarks>
/// Built eagerly (CRD schemas are trees without references) and immutable afterwards. As in kube, the root's
/// <c>metadata</c> is ObjectMeta whatever the CRD says, and lists without a list type are atomic.
/// </remarks>
internal sealed class OpenApiSchemaNode : ISchemaNode
{
    private static readonly ISchemaNode StringNode = new OpenApiSchemaNode(new JsonObject { ["type"] = "string" }, root: false, depth: 0);

    private readonly Dictionary<string, ISchemaNode>? _fields;
    private readonly Dictionary<string, JsonNode?>? _defaults;

    public OpenApiSchemaNode(JsonObject schema, bool root, int depth)
    {
        if (depth > 128)
        {
            // Deeper than any real CRD; treat the rest as schemaless rather than recurse without bound.
            Kind = SchemaNodeKind.Untyped;
            Elements = DeducedSchemaNode.Instance;
            ListMapKeys = [];
            IsNullable = true;
            return;
        }
        var type = GetString(schema, "type");
        var preserveUnknown = GetBool(schema, "x-kubernetes-preserve-unknown-fields");
        IsNullable = GetBool(schema, "nullable");
        ListMapKeys = [];
        var properties = schema["properties"] as JsonObject;
        if (GetBool(schema, "x-kubernetes-int-or-string"))
        {
            Kind = SchemaNodeKind.Scalar;
            ScalarKind = ScalarKind.Any;
            return;
        }
        if (type is null && root)
        {
            type = "object";
        }
        switch (type)
        {
            case "object":
                Kind = SchemaNodeKind.Map;
                break;
            case "array":
                Kind = SchemaNodeKind.List;
                break;
            case "string":
                Kind = SchemaNodeKind.Scalar;
                ScalarKind = ScalarKind.String;
                return;
            case "integer" or "number":
                Kind = SchemaNodeKind.Scalar;
                ScalarKind = ScalarKind.Numeric;
                return;
            case "boolean":
                Kind = SchemaNodeKind.Scalar;
                ScalarKind = ScalarKind.Boolean;
                return;
            default:
                Kind = properties is not null ? SchemaNodeKind.Map : SchemaNodeKind.Untyped;
                if (Kind == SchemaNodeKind.Untyped)
                {
                    Elements = DeducedSchemaNode.Instance;
                    IsNullable = true;
                    return;
                }
                break;
        }

        if (Kind == SchemaNodeKind.List)
        {
            Elements = schema["items"] is JsonObject items ? new OpenApiSchemaNode(items, root: false, depth + 1) : DeducedSchemaNode.Instance;
            switch (GetString(schema, "x-kubernetes-list-type"))
            {
                case "set":
                    ListKind = ListKind.Set;
                    break;
                case "map":
                    var keys = new List<string>();
                    if (schema["x-kubernetes-list-map-keys"] is JsonArray ka)
                    {
                        foreach (var k in ka)
                        {
                            if (k is JsonValue kv && kv.GetValueKind() == JsonValueKind.String)
                            {
                                keys.Add(kv.GetValue<string>());
                            }
                        }
                    }
                    ListKind = keys.Count > 0 ? ListKind.Map : ListKind.Atomic;
                    ListMapKeys = keys;
                    break;
                default:
                    ListKind = ListKind.Atomic;
                    break;
            }
            return;
        }

        // An object: declared fields, extra keys, or both.
        IsAtomic = GetString(schema, "x-kubernetes-map-type") == "atomic";
        if (properties is not null)
        {
            _fields = new Dictionary<string, ISchemaNode>(properties.Count, StringComparer.Ordinal);
            foreach (var (name, value) in properties)
            {
                if (value is JsonObject propSchema)
                {
                    _fields[name] = new OpenApiSchemaNode(propSchema, root: false, depth + 1);
                    if (propSchema.TryGetPropertyValue("default", out var def))
                    {
                        (_defaults ??= new(StringComparer.Ordinal))[name] = def?.DeepClone();
                    }
                }
            }
        }
        if (root || GetBool(schema, "x-kubernetes-embedded-resource"))
        {
            // kube's CRD models give every (embedded) object the standard type and object metadata.
            _fields ??= new Dictionary<string, ISchemaNode>(StringComparer.Ordinal);
            _fields["metadata"] = TypeSchemaNode.ForType(TypeSchema.For<V1ObjectMeta>());
            _fields.TryAdd("apiVersion", StringNode);
            _fields.TryAdd("kind", StringNode);
        }
        Elements = schema["additionalProperties"] switch
        {
            JsonObject ap => new OpenApiSchemaNode(ap, root: false, depth + 1),
            JsonValue b when b.GetValueKind() == JsonValueKind.True => DeducedSchemaNode.Instance,
            _ when preserveUnknown => DeducedSchemaNode.Instance,
            // An object that declares nothing at all accepts anything, as a schemaless value would.
            _ when properties is null => DeducedSchemaNode.Instance,
            _ => null,
        };
    }

    public SchemaNodeKind Kind { get; }
    public ScalarKind ScalarKind { get; }
    public ListKind ListKind { get; }
    public IReadOnlyList<string> ListMapKeys { get; }
    public bool IsAtomic { get; }
    public ISchemaNode? Elements { get; }
    public bool IsNullable { get; }

    public ISchemaNode? Field(string name) => _fields is not null && _fields.TryGetValue(name, out var f) ? f : null;

    // Custom resources are unstructured in kube: no field is present unless the object has it.
    public bool IsImplicitlyPresent(string name) => false;

    public JsonNode? FieldDefault(string name) => _defaults is not null && _defaults.TryGetValue(name, out var d) ? d : null;

    private static string? GetString(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool GetBool(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public override string ToString() => "openapi " + Kind;
}
