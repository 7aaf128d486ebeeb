namespace Berth.ApiServer.Apply;

/// <summary>The shape of value an <see cref="ISchemaNode"/> describes (structured-merge-diff's atoms).</summary>
public enum SchemaNodeKind
{
    /// <summary>A string, number or boolean, owned and replaced as a unit.</summary>
    Scalar,

    /// <summary>A JSON array; see <see cref="ISchemaNode.ListKind"/> for how items are merged.</summary>
    List,

    /// <summary>A JSON object: a struct with declared fields, a string-keyed map, or both.</summary>
    Map,

    /// <summary>Anything: the shape is deduced from the value (objects granular, lists atomic).</summary>
    Untyped,
}
