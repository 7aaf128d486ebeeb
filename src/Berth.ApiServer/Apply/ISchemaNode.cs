using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// The part of a type's schema that server-side apply needs: shapes, list and map semantics, declared
/// fields and key defaults. Implemented over built-in model types (<see cref="SchemaNodes.For(Berth.Api.Schema.TypeSchema?)"/>),
/// over a CRD's <c>openAPIV3Schema</c> (<see cref="SchemaNodes.FromOpenApi"/>) and for schemaless
/// values (<see cref="SchemaNodes.Deduced"/>).
/// </summary>
/// <remarks>Implementations must be immutable and thread-safe; one node is shared by every request.</remarks>
public interface ISchemaNode
{
    SchemaNodeKind Kind { get; }

    /// <summary>For scalars: the JSON type accepted in an applied configuration.</summary>
    ScalarKind ScalarKind { get; }

    /// <summary>For lists: atomic, set or map.</summary>
    ListKind ListKind { get; }

    /// <summary>For <see cref="ListKind.Map"/> lists: the key fields of an item.</summary>
    IReadOnlyList<string> ListMapKeys { get; }

    /// <summary>For maps: replaced and owned as a unit (<c>x-kubernetes-map-type: atomic</c>, <c>+structType=atomic</c>).</summary>
    bool IsAtomic { get; }

    /// <summary>For maps: the schema of a declared (struct) field, or null when <paramref name="name"/> is not declared.</summary>
    ISchemaNode? Field(string name);

    /// <summary>
    /// For lists: the item schema. For maps: the schema of keys that are not declared fields (a string-keyed
    /// map's values, or preserved unknown fields); null when undeclared fields are not allowed.
    /// </summary>
    ISchemaNode? Elements { get; }

    /// <summary>
    /// For maps: whether the declared field <paramref name="name"/> always exists when its parent does (in the
    /// Go types, a non-pointer struct such as <c>spec.template</c>, present as <c>{}</c>, or a slice without
    /// <c>omitempty</c> such as <c>containers</c>, present as null). kube compares typed objects, in which such
    /// fields are never absent, so they never get a <c>.</c> (self) entry in an Update's fieldsV1.
    /// </summary>
    bool IsImplicitlyPresent(string name);

    /// <summary>For maps: the default of field <paramref name="name"/>, used for list-map keys an item omits (a port's protocol).</summary>
    JsonNode? FieldDefault(string name);

    /// <summary>Whether an explicit null is kept in the merged object rather than meaning "unset" (<c>nullable: true</c>, untyped values).</summary>
    bool IsNullable { get; }
}
