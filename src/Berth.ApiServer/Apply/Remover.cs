using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// Removes the members of a field set from a value (structured-merge-diff's <c>TypedValue.RemoveItems</c>).
/// Removing a member removes its whole subtree; a map or list left without entries disappears too (kube
/// turns it into null, which the typed object then drops).
/// </summary>
/// <remarks>Never mutates its input.</remarks>
internal static class Remover
{
    public static JsonObject RemoveItems(JsonObject value, FieldSet toRemove, ISchemaNode schema)
    {
        if (toRemove.IsEmpty)
        {
            return (JsonObject)value.DeepClone();
        }
        return Remove(value, toRemove, schema) as JsonObject ?? [];
    }

    /// <summary>The value without the members of <paramref name="toRemove"/>; null when nothing is left.</summary>
    private static JsonNode? Remove(JsonNode? value, FieldSet toRemove, ISchemaNode schema)
    {
        switch (Shapes.Of(schema, value))
        {
            case Shape.GranularMap when value is JsonObject o:
                {
                    var result = new JsonObject();
                    foreach (var (key, v) in o)
                    {
                        var pe = PathElement.Field(key);
                        if (toRemove.HasMember(pe))
                        {
                            continue;
                        }
                        var subset = toRemove.WithPrefix(pe);
                        if (subset.IsEmpty)
                        {
                            result[key] = v?.DeepClone();
                            continue;
                        }
                        var kept = Remove(v, subset, Shapes.ChildOf(schema, key, out _));
                        if (kept is not null)
                        {
                            result[key] = kept;
                        }
                    }
                    return result.Count == 0 ? null : result;
                }
            case Shape.GranularList when value is JsonArray a:
                {
                    var elements = schema.Elements ?? DeducedSchemaNode.Instance;
                    var result = new JsonArray();
                    foreach (var item in a)
                    {
                        var pe = Shapes.ItemPe(schema, item);
                        if (toRemove.HasMember(pe))
                        {
                            continue;
                        }
                        var subset = toRemove.WithPrefix(pe);
                        if (subset.IsEmpty)
                        {
                            result.Add(item?.DeepClone());
                        }
                        else if (Remove(item, subset, elements) is { } kept)
                        {
                            // An item stripped of every field cannot happen through apply (its key fields are
                            // owned with it); kube would leave a null item, which no list accepts, so drop it.
                            result.Add(kept);
                        }
                    }
                    return result.Count == 0 ? null : result;
                }
            case Shape.Leaf:
                return value?.DeepClone();
            default:
                // Atomic values and nulls have nothing below them to remove piecewise: kube drops them.
                return null;
        }
    }
}
