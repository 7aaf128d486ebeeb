using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// Drops explicit nulls that an applied configuration left in the merged object. kube merges the typed
/// value and converts it back to the Go type, where a null field is simply unset; only untyped values and
/// <c>nullable: true</c> fields keep their nulls. Ownership of the null field stays with the applier, as in kube.
/// </summary>
internal static class NullStripper
{
    /// <summary>Strips in place; only call on a tree this code created.</summary>
    public static void Strip(JsonNode? node, ISchemaNode schema)
    {
        switch (node)
        {
            case JsonObject o when schema.Kind == SchemaNodeKind.Map:
                {
                    List<string>? remove = null;
                    foreach (var (key, v) in o)
                    {
                        var childSchema = Shapes.ChildOf(schema, key, out _);
                        if (v is null)
                        {
                            if (!childSchema.IsNullable)
                            {
                                (remove ??= []).Add(key);
                            }
                        }
                        else
                        {
                            Strip(v, childSchema);
                        }
                    }
                    if (remove is not null)
                    {
                        foreach (var key in remove)
                        {
                            o.Remove(key);
                        }
                    }
                    break;
                }
            case JsonArray a when schema.Kind == SchemaNodeKind.List:
                {
                    var elements = schema.Elements ?? DeducedSchemaNode.Instance;
                    foreach (var item in a)
                    {
                        Strip(item, elements);
                    }
                    break;
                }
        }
    }
}
