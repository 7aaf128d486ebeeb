using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// The fields a value sets (structured-merge-diff's <c>TypedValue.ToFieldSet</c>): scalars and atomic values
/// are members; granular maps contribute their keys that are not declared struct fields (a label is owned
/// even when its value is an object) plus what is below; list items are members and own their fields.
/// Structs themselves are never members.
/// </summary>
internal static class ToFieldSet
{
    public static FieldSet Of(JsonNode? value, ISchemaNode schema)
    {
        var root = new FieldSet();
        // The empty path (the whole object) is never owned, so walk the root's children directly.
        if (value is JsonObject o && Shapes.Of(schema, value) == Shape.GranularMap)
        {
            WalkMap(o, schema, root);
        }
        return root.Seal();
    }

    private static void Walk(JsonNode? value, ISchemaNode schema, PathElement pe, FieldSet parent)
    {
        switch (Shapes.Of(schema, value))
        {
            case Shape.GranularMap:
                if (value is JsonObject o)
                {
                    var child = new FieldSet();
                    WalkMap(o, schema, child);
                    parent.AddChild(pe, child);
                }
                break;
            case Shape.GranularList:
                if (value is JsonArray a)
                {
                    var child = new FieldSet();
                    var elements = schema.Elements ?? DeducedSchemaNode.Instance;
                    foreach (var item in a)
                    {
                        var itemPe = Shapes.ItemPe(schema, item);
                        Walk(item, elements, itemPe, child);
                        child.AddMember(itemPe);
                    }
                    parent.AddChild(pe, child);
                }
                break;
            default:
                parent.AddMember(pe);
                break;
        }
    }

    private static void WalkMap(JsonObject o, ISchemaNode schema, FieldSet set)
    {
        foreach (var (key, v) in o)
        {
            var childSchema = Shapes.ChildOf(schema, key, out var declared);
            var pe = PathElement.Field(key);
            Walk(v, childSchema, pe, set);
            if (!declared)
            {
                set.AddMember(pe);
            }
        }
    }
}
