using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Berth.Api.Schema;

/// <summary>What a schema node holds, in OpenAPI terms plus Kubernetes' special scalars.</summary>
public enum SchemaKind
{
    Object,
    Array,
    /// <summary>A map with string keys (labels, resources).</summary>
    Map,
    String,
    Integer,
    Number,
    Boolean,
    /// <summary>int-or-string (ports, maxSurge).</summary>
    IntOrString,
    /// <summary>A resource.Quantity ("500m", "1Gi").</summary>
    Quantity,
    /// <summary>metav1.Time / MicroTime (RFC 3339 string).</summary>
    DateTime,
    /// <summary>[]byte, base64 in JSON.</summary>
    Bytes,
    /// <summary>Any JSON (RawExtension, JSON, fieldsV1).</summary>
    Any,
}

/// <summary>
/// The shape of a <c>k8s.Models</c> type as the API sees it: JSON property names, element types and the
/// Kubernetes list/map semantics (patch strategy and merge key, list type and map keys) that the
/// model classes do not carry. Used by field validation, patching, managed fields, OpenAPI and protobuf.
/// </summary>
/// <remarks>Built once per type by reflection and cached; instances are immutable and thread-safe.</remarks>
public sealed class TypeSchema
{
    private static readonly ConcurrentDictionary<Type, TypeSchema> Cache = new();

    private Dictionary<string, PropertySchema>? _properties;

    private TypeSchema(Type clrType, SchemaKind kind)
    {
        ClrType = clrType;
        Kind = kind;
    }

    public Type ClrType { get; }
    public SchemaKind Kind { get; }

    /// <summary>For arrays and maps: the element schema.</summary>
    public TypeSchema? Items { get; private set; }

    /// <summary>For objects: properties by JSON name (empty for other kinds).</summary>
    public IReadOnlyDictionary<string, PropertySchema> Properties => _properties ?? EmptyProperties;

    private static readonly Dictionary<string, PropertySchema> EmptyProperties = new();

    // Nodes of the build in progress (guarded by the Cache lock). They reach Cache, which readers use without the
    // lock, only when the outermost Build returns: a reader must never see a node whose properties are unfilled.
    private static Dictionary<Type, TypeSchema>? _building;

    /// <summary>The schema of a model type (or of a scalar/collection CLR type).</summary>
    public static TypeSchema For(Type type)
    {
        if (Cache.TryGetValue(type, out var s))
        {
            return s;
        }
        lock (Cache)
        {
            if (Cache.TryGetValue(type, out s))
            {
                return s;
            }
            if (_building is { } inProgress)
            {
                return inProgress.TryGetValue(type, out s) ? s : Build(type);
            }
            _building = [];
            try
            {
                s = Build(type);
                foreach (var (t, node) in _building)
                {
                    Cache[t] = node;
                }
                return s;
            }
            finally
            {
                _building = null;
            }
        }
    }

    public static TypeSchema For<T>() => For(typeof(T));

    /// <summary>The schema one step down: a property of an object, or the element of an array or map.</summary>
    public TypeSchema? Child(string name) => Kind switch
    {
        SchemaKind.Object => Properties.TryGetValue(name, out var p) ? p.Type : null,
        SchemaKind.Array or SchemaKind.Map => Items,
        _ => null,
    };

    // Called under the cache lock. Registers the node (in _building) before filling properties so recursive types terminate.
    private static TypeSchema Build(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        TypeSchema schema;
        if (underlying == typeof(string))
        {
            schema = new TypeSchema(type, SchemaKind.String);
        }
        else if (underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short))
        {
            schema = new TypeSchema(type, SchemaKind.Integer);
        }
        else if (underlying == typeof(double) || underlying == typeof(float) || underlying == typeof(decimal))
        {
            schema = new TypeSchema(type, SchemaKind.Number);
        }
        else if (underlying == typeof(bool))
        {
            schema = new TypeSchema(type, SchemaKind.Boolean);
        }
        else if (underlying == typeof(DateTime) || underlying == typeof(DateTimeOffset))
        {
            schema = new TypeSchema(type, SchemaKind.DateTime);
        }
        else if (underlying == typeof(byte[]))
        {
            schema = new TypeSchema(type, SchemaKind.Bytes);
        }
        else if (underlying == typeof(IntOrString))
        {
            schema = new TypeSchema(type, SchemaKind.IntOrString);
        }
        else if (underlying == typeof(ResourceQuantity))
        {
            schema = new TypeSchema(type, SchemaKind.Quantity);
        }
        else if (underlying == typeof(object) || underlying == typeof(System.Text.Json.JsonElement)
            || underlying == typeof(System.Text.Json.Nodes.JsonNode))
        {
            schema = new TypeSchema(type, SchemaKind.Any);
        }
        else if (DictionaryValueType(underlying) is { } valueType)
        {
            schema = new TypeSchema(type, SchemaKind.Map);
            _building![type] = schema;
            schema.Items = For(valueType);
            return schema;
        }
        else if (ListElementType(underlying) is { } elementType)
        {
            schema = new TypeSchema(type, SchemaKind.Array);
            _building![type] = schema;
            schema.Items = For(elementType);
            return schema;
        }
        else
        {
            schema = new TypeSchema(type, SchemaKind.Object);
            _building![type] = schema;
            var props = new Dictionary<string, PropertySchema>(StringComparer.Ordinal);
            foreach (var p in underlying.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var jsonName = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
                if (jsonName is null || p.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
                {
                    continue;
                }
                var meta = PatchMetadata.Lookup(underlying, jsonName);
                props[jsonName] = new PropertySchema(jsonName, p, For(p.PropertyType), meta);
            }
            schema._properties = props;
            return schema;
        }
        _building![type] = schema;
        return schema;
    }

    private static Type? DictionaryValueType(Type t)
    {
        foreach (var i in t.IsInterface ? t.GetInterfaces().Append(t) : t.GetInterfaces())
        {
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>) && i.GetGenericArguments()[0] == typeof(string))
            {
                return i.GetGenericArguments()[1];
            }
        }
        return null;
    }

    private static Type? ListElementType(Type t)
    {
        if (t.IsArray)
        {
            return t.GetElementType();
        }
        foreach (var i in t.IsInterface ? t.GetInterfaces().Append(t) : t.GetInterfaces())
        {
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return i.GetGenericArguments()[0];
            }
        }
        return null;
    }

    public override string ToString() => Kind + " " + ClrType.Name;
}

/// <summary>One property of an object schema.</summary>
public sealed class PropertySchema(string jsonName, PropertyInfo property, TypeSchema type, PatchMeta? patch)
{
    public string JsonName { get; } = jsonName;
    public PropertyInfo Property { get; } = property;
    public TypeSchema Type { get; } = type;

    /// <summary>Strategic-merge and apply semantics of this field; null means the defaults (atomic lists, granular maps).</summary>
    public PatchMeta? Patch { get; } = patch;

    public override string ToString() => JsonName + ": " + Type;
}
