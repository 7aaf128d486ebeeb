using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// structured-merge-diff's "deduced" type for values without a schema: objects are granular maps of
/// deduced values, lists are atomic, scalars are owned as a unit; explicit nulls are kept.
/// </summary>
internal sealed class DeducedSchemaNode : ISchemaNode
{
    public static readonly DeducedSchemaNode Instance = new();

    private DeducedSchemaNode()
    {
    }

    public SchemaNodeKind Kind => SchemaNodeKind.Untyped;
    public ScalarKind ScalarKind => ScalarKind.Any;
    public ListKind ListKind => ListKind.Atomic;
    public IReadOnlyList<string> ListMapKeys => [];
    public bool IsAtomic => false;
    public ISchemaNode? Field(string name) => null;
    public ISchemaNode? Elements => this;
    public bool IsImplicitlyPresent(string name) => false;
    public JsonNode? FieldDefault(string name) => null;
    public bool IsNullable => true;

    public override string ToString() => "deduced";
}
