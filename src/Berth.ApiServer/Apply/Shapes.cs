using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>How a value is walked, once schema and value are combined.</summary>
internal enum Shape : byte
{
    /// <summary>Owned and replaced as a unit: scalars, and values whose JSON type contradicts the schema.</summary>
    Leaf,
    AtomicList,
    GranularList,
    AtomicMap,
    GranularMap,
}

/// <summary>A value that cannot be walked with its schema (a map-list item without its key, a duplicate key).</summary>
internal sealed class SchemaValueException(string message) : Exception(message);

/// <summary>Shape resolution and list item identity shared by the walkers (structured-merge-diff's deduceAtom and listItemToPathElement).</summary>
internal static class Shapes
{
    /// <summary>The shape of <paramref name="value"/> under <paramref name="schema"/>; JSON null takes the schema's shape.</summary>
    public static Shape Of(ISchemaNode schema, JsonNode? value)
    {
        switch (schema.Kind)
        {
            case SchemaNodeKind.Map:
                return value is null or JsonObject ? (schema.IsAtomic ? Shape.AtomicMap : Shape.GranularMap) : Shape.Leaf;
            case SchemaNodeKind.List:
                return value is null or JsonArray ? (schema.ListKind == ListKind.Atomic ? Shape.AtomicList : Shape.GranularList) : Shape.Leaf;
            case SchemaNodeKind.Untyped:
                return value switch
                {
                    JsonObject => Shape.GranularMap,
                    JsonArray => Shape.AtomicList,
                    _ => Shape.Leaf,
                };
            default:
                return Shape.Leaf;
        }
    }

    /// <summary>The schema of key <paramref name="key"/> of a map: the declared field, or the element schema.</summary>
    public static ISchemaNode ChildOf(ISchemaNode map, string key, out bool declared)
    {
        var f = map.Kind == SchemaNodeKind.Map ? map.Field(key) : null;
        declared = f is not null;
        return f ?? map.Elements ?? DeducedSchemaNode.Instance;
    }

    public static bool IsEmpty(JsonNode? v) => v switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        _ => false,
    };

    /// <summary>The identity of an item of a set or map-list.</summary>
    /// <exception cref="SchemaValueException">The item cannot be identified (kube's wording).</exception>
    public static PathElement ItemPe(ISchemaNode list, JsonNode? item)
    {
        if (list.ListKind == ListKind.Map)
        {
            if (item is null)
            {
                throw new SchemaValueException("associative list with keys may not have a null element");
            }
            if (item is not JsonObject o)
            {
                throw new SchemaValueException("associative list with keys may not have non-map elements");
            }
            var keys = list.ListMapKeys;
            var fields = new KeyValuePair<string, JsonNode?>[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                var name = keys[i];
                if (o.TryGetPropertyValue(name, out var v))
                {
                    fields[i] = new(name, v);
                }
                else if (list.Elements?.FieldDefault(name) is { } def)
                {
                    fields[i] = new(name, def);
                }
                else
                {
                    throw new SchemaValueException($"associative list with keys has an element that omits key field {GoJson.Quote(name)} (and doesn't have default value)");
                }
            }
            return PathElement.ForKey(fields);
        }
        switch (item)
        {
            case JsonObject:
                throw new SchemaValueException("associative list without keys has an element that's a map type");
            case JsonArray:
                throw new SchemaValueException("not supported: associative list with lists as elements");
            case null:
                throw new SchemaValueException("associative list without keys has an element that's an explicit null");
            default:
                return PathElement.ForValue(item);
        }
    }

    /// <summary>Go's <c>%v</c>-ish rendering of a value in validation messages.</summary>
    public static string Describe(JsonNode? v) => v switch
    {
        null => "null",
        JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>(),
        _ => v.ToJsonString(),
    };
}
