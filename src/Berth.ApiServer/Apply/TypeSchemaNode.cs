using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Berth.Api.Schema;

namespace Berth.ApiServer.Apply;

/// <summary>
/// An <see cref="ISchemaNode"/> over a built-in model type's <see cref="TypeSchema"/>. List semantics come
/// from the field's <see cref="PatchMeta"/> (list type, or a merge key meaning a map keyed by it; atomic
/// otherwise); struct and map atomicity and implicit presence from <see cref="BuiltinApplySemantics"/>.
/// </summary>
/// <remarks>Children are created on first use and cached, so recursive types (JSONSchemaProps) are fine.</remarks>
internal sealed class TypeSchemaNode : ISchemaNode
{
    // Nodes that need no field context (struct types, scalars, list items) are shared per TypeSchema.
    private static readonly ConcurrentDictionary<TypeSchema, TypeSchemaNode> Plain = new();
    private static readonly ConcurrentDictionary<TypeSchema, TypeSchemaNode> Roots = new();

    private readonly TypeSchema _type;
    private readonly bool _root;
    private Dictionary<string, TypeSchemaNode>? _fields;
    private TypeSchemaNode? _elements;

    private TypeSchemaNode(TypeSchema type, PatchMeta? patch, bool atomicMap, bool root)
    {
        _type = type;
        _root = root;
        Kind = type.Kind switch
        {
            Api.Schema.SchemaKind.Object => SchemaNodeKind.Map,
            Api.Schema.SchemaKind.Map => SchemaNodeKind.Map,
            Api.Schema.SchemaKind.Array => SchemaNodeKind.List,
            Api.Schema.SchemaKind.Any => SchemaNodeKind.Untyped,
            _ => SchemaNodeKind.Scalar,
        };
        ScalarKind = type.Kind switch
        {
            Api.Schema.SchemaKind.String or Api.Schema.SchemaKind.DateTime or Api.Schema.SchemaKind.Bytes => ScalarKind.String,
            Api.Schema.SchemaKind.Integer or Api.Schema.SchemaKind.Number => ScalarKind.Numeric,
            Api.Schema.SchemaKind.Boolean => ScalarKind.Boolean,
            _ => ScalarKind.Any,
        };
        if (Kind == SchemaNodeKind.List)
        {
            (ListKind, ListMapKeys) = patch?.ListType switch
            {
                "set" => (ListKind.Set, []),
                "map" => (ListKind.Map, patch.ListMapKeys ?? (patch.MergeKey is { } k ? [k] : [])),
                "atomic" => (ListKind.Atomic, []),
                _ when patch?.MergeKey is { } key => (ListKind.Map, (IReadOnlyList<string>)[key]),
                _ => (ListKind.Atomic, []),
            };
            if (ListKind == ListKind.Map && ListMapKeys.Count == 0)
            {
                ListKind = ListKind.Atomic;
            }
        }
        else
        {
            ListMapKeys = [];
        }
        IsAtomic = type.Kind == Api.Schema.SchemaKind.Object
            ? BuiltinApplySemantics.IsAtomicStruct(Nullable.GetUnderlyingType(type.ClrType) ?? type.ClrType)
            : atomicMap;
    }

    /// <summary>The node for a resource type (its top-level metadata/spec/status are implicitly present).</summary>
    public static TypeSchemaNode ForRoot(TypeSchema type) =>
        Roots.GetOrAdd(type, static t => new TypeSchemaNode(t, null, false, root: true));

    public static TypeSchemaNode ForType(TypeSchema type) =>
        Plain.GetOrAdd(type, static t => new TypeSchemaNode(t, null, false, root: false));

    private static TypeSchemaNode ForProperty(Type declaringType, PropertySchema p)
    {
        var atomicMap = p.Type.Kind == Api.Schema.SchemaKind.Map && BuiltinApplySemantics.IsAtomicMap(declaringType, p.JsonName);
        // Only lists and maps depend on the field they sit in; share everything else.
        return p.Type.Kind == Api.Schema.SchemaKind.Array || atomicMap
            ? new TypeSchemaNode(p.Type, p.Patch, atomicMap, root: false)
            : ForType(p.Type);
    }

    public SchemaNodeKind Kind { get; }
    public ScalarKind ScalarKind { get; }
    public ListKind ListKind { get; }
    public IReadOnlyList<string> ListMapKeys { get; }
    public bool IsAtomic { get; }
    public bool IsNullable => Kind == SchemaNodeKind.Untyped;

    private Type DeclaringType => Nullable.GetUnderlyingType(_type.ClrType) ?? _type.ClrType;

    public ISchemaNode? Field(string name)
    {
        if (_type.Kind != Api.Schema.SchemaKind.Object)
        {
            return null;
        }
        var fields = Volatile.Read(ref _fields) ?? BuildFields();
        return fields.TryGetValue(name, out var f) ? f : null;
    }

    private Dictionary<string, TypeSchemaNode> BuildFields()
    {
        var fields = new Dictionary<string, TypeSchemaNode>(_type.Properties.Count, StringComparer.Ordinal);
        foreach (var (name, p) in _type.Properties)
        {
            fields[name] = ForProperty(DeclaringType, p);
        }
        // Racing builders produce equal dictionaries; whichever lands first is kept.
        return Interlocked.CompareExchange(ref _fields, fields, null) ?? fields;
    }

    public ISchemaNode? Elements
    {
        get
        {
            if (Kind == SchemaNodeKind.Untyped)
            {
                return DeducedSchemaNode.Instance;
            }
            if (_type.Kind is not (Api.Schema.SchemaKind.Array or Api.Schema.SchemaKind.Map) || _type.Items is null)
            {
                return null;
            }
            var e = Volatile.Read(ref _elements);
            if (e is null)
            {
                // ForType is itself cached, so a race only repeats a lookup.
                e = ForType(_type.Items);
                Volatile.Write(ref _elements, e);
            }
            return e;
        }
    }

    public bool IsImplicitlyPresent(string name) =>
        _type.Kind == Api.Schema.SchemaKind.Object
        && BuiltinApplySemantics.IsImplicit(DeclaringType, name, _root)
        && Field(name) is { Kind: SchemaNodeKind.Map or SchemaNodeKind.List };

    public JsonNode? FieldDefault(string name) =>
        _type.Kind == Api.Schema.SchemaKind.Object ? BuiltinApplySemantics.KeyDefault(DeclaringType, name) : null;

    public override string ToString() => _type.ToString();
}
