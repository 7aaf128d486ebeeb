using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>What a <see cref="PathElement"/> selects; the order is structured-merge-diff's sort order.</summary>
internal enum PathElementKind : byte
{
    Field = 0,
    Key = 1,
    Value = 2,
    Index = 3,
}

/// <summary>
/// One step of a field path (structured-merge-diff's <c>fieldpath.PathElement</c>): a field name, the key
/// fields of an item of a map-list, the value of an item of a set, or an index. <see cref="Serialized"/> is
/// its <c>fieldsV1</c> key (<c>f:name</c>, <c>k:{"name":"nginx"}</c>, <c>v:"x"</c>, <c>i:0</c>) and doubles
/// as its identity.
/// </summary>
/// <remarks>Immutable. Key and set values must not be re-parented into another JSON tree.</remarks>
internal sealed class PathElement : IEquatable<PathElement>, IComparable<PathElement>
{
    private static readonly ConcurrentDictionary<string, PathElement> FieldCache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, PathElement> DeserializeCache = new(StringComparer.Ordinal);
    private const int CacheLimit = 20_000;
    private static int _fieldCacheCount;
    private static int _deserializeCacheCount;

    private PathElement(PathElementKind kind, string serialized)
    {
        Kind = kind;
        Serialized = serialized;
    }

    public PathElementKind Kind { get; }
    public string Serialized { get; }
    public string? FieldName { get; private init; }

    /// <summary>For <see cref="PathElementKind.Key"/>: the key fields, sorted by name.</summary>
    public KeyValuePair<string, JsonNode?>[]? Key { get; private init; }

    // Precomputed sort keys of the key fields' values (or of the set value).
    private ValueKey[]? _keyOrder;
    private ValueKey _valueOrder;

    /// <summary>For <see cref="PathElementKind.Value"/>: the set element.</summary>
    public JsonNode? Value { get; private init; }
    public int Index { get; private init; }

    public static PathElement Field(string name)
    {
        if (FieldCache.TryGetValue(name, out var pe))
        {
            return pe;
        }
        pe = new PathElement(PathElementKind.Field, "f:" + name) { FieldName = name };
        // Field names are bounded by the schemas, but map keys (labels) are not: cap the cache.
        AddBounded(FieldCache, ref _fieldCacheCount, name, pe);
        return pe;
    }

    /// <summary>A map-list item key; <paramref name="fields"/> is sorted here.</summary>
    [ThreadStatic]
    private static StringBuilder? _builder;

    public static PathElement ForKey(KeyValuePair<string, JsonNode?>[] fields)
    {
        if (fields.Length > 1)
        {
            Array.Sort(fields, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }
        var sb = _builder ??= new StringBuilder(64);
        sb.Clear().Append("k:{");
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            GoJson.WriteString(sb, fields[i].Key);
            sb.Append(':');
            GoJson.Write(sb, fields[i].Value);
        }
        sb.Append('}');
        var order = new ValueKey[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            order[i] = ValueKey.Of(fields[i].Value);
        }
        return new PathElement(PathElementKind.Key, sb.ToString()) { Key = fields, _keyOrder = order };
    }

    public static PathElement ForValue(JsonNode? value) =>
        new(PathElementKind.Value, "v:" + GoJson.Serialize(value)) { Value = value, _valueOrder = ValueKey.Of(value) };

    public static PathElement ForIndex(int index) =>
        new(PathElementKind.Index, "i:" + index.ToString(CultureInfo.InvariantCulture)) { Index = index };

    /// <summary>Parses a <c>fieldsV1</c> key; null for a prefix this version does not know (kube skips those).</summary>
    /// <exception cref="FormatException">The key has a known prefix but an invalid body.</exception>
    /// <summary>The cached key string equal to <paramref name="key"/>, so a decoder need not allocate one.</summary>
    public static bool TryGetCachedKey(ReadOnlySpan<char> key, out string cached)
    {
        if (DeserializeCache.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var actualKey, out _))
        {
            cached = actualKey;
            return true;
        }
        cached = "";
        return false;
    }

    public static PathElement? Deserialize(string s)
    {
        if (DeserializeCache.TryGetValue(s, out var cached))
        {
            return cached;
        }
        var pe = DeserializeUncached(s);
        // Every write decodes the stored managed fields; most of their keys were seen before. The cache is
        // bounded because keys carry user data (names, ports).
        if (pe is not null)
        {
            AddBounded(DeserializeCache, ref _deserializeCacheCount, s, pe);
        }
        return pe;
    }

    private static void AddBounded(ConcurrentDictionary<string, PathElement> cache, ref int count, string key, PathElement pe)
    {
        if (Volatile.Read(ref count) >= CacheLimit)
        {
            // Start over rather than grow without bound; the working set refills it quickly.
            cache.Clear();
            Interlocked.Exchange(ref count, 0);
        }
        if (cache.TryAdd(key, pe))
        {
            Interlocked.Increment(ref count);
        }
    }

    private static PathElement? DeserializeUncached(string s)
    {
        if (s.Length < 2)
        {
            throw new FormatException("key must be 2 characters long");
        }
        if (s[1] != ':')
        {
            return null;
        }
        var body = s[2..];
        switch (s[0])
        {
            case 'f':
                return Field(body);
            case 'v':
                return ForValue(ParseJson(body));
            case 'k':
                {
                    if (ParseJson(body) is not JsonObject o)
                    {
                        throw new FormatException("expected a JSON object as key: " + body);
                    }
                    var fields = new KeyValuePair<string, JsonNode?>[o.Count];
                    var i = 0;
                    foreach (var kv in o)
                    {
                        fields[i++] = new(kv.Key, kv.Value);
                    }
                    // Detach from the parsed object so the values belong to no tree.
                    o.Clear();
                    return ForKey(fields);
                }
            case 'i':
                if (!int.TryParse(body, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
                {
                    throw new FormatException("invalid index: " + body);
                }
                return ForIndex(index);
            default:
                return null;
        }
    }

    private static JsonNode? ParseJson(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>The rendering used in paths of conflict messages: <c>.name</c>, <c>[name="x"]</c>, <c>[="x"]</c>, <c>[0]</c>.</summary>
    public override string ToString()
    {
        switch (Kind)
        {
            case PathElementKind.Field:
                return "." + FieldName;
            case PathElementKind.Key:
                {
                    var sb = new StringBuilder("[");
                    for (var i = 0; i < Key!.Length; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }
                        sb.Append(Key[i].Key).Append('=').Append(GoJson.ToDisplay(Key[i].Value));
                    }
                    return sb.Append(']').ToString();
                }
            case PathElementKind.Value:
                return "[=" + GoJson.ToDisplay(Value) + "]";
            default:
                return "[" + Index.ToString(CultureInfo.InvariantCulture) + "]";
        }
    }

    public bool Equals(PathElement? other) =>
        other is not null && (ReferenceEquals(this, other) || (Kind == other.Kind && string.Equals(Serialized, other.Serialized, StringComparison.Ordinal)));

    public override bool Equals(object? obj) => obj is PathElement pe && Equals(pe);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Serialized);

    /// <summary>structured-merge-diff's <c>PathElement.Compare</c>: fields, then keys, values, indices.</summary>
    public int CompareTo(PathElement? other)
    {
        if (other is null)
        {
            return 1;
        }
        if (ReferenceEquals(this, other))
        {
            return 0;
        }
        if (Kind != other.Kind)
        {
            return Kind < other.Kind ? -1 : 1;
        }
        switch (Kind)
        {
            case PathElementKind.Field:
                return Math.Sign(string.CompareOrdinal(FieldName, other.FieldName));
            case PathElementKind.Key:
                {
                    var a = Key!;
                    var b = other.Key!;
                    for (var i = 0; i < a.Length && i < b.Length; i++)
                    {
                        var c = Math.Sign(string.CompareOrdinal(a[i].Key, b[i].Key));
                        if (c != 0)
                        {
                            return c;
                        }
                        c = _keyOrder![i].CompareTo(other._keyOrder![i]);
                        if (c != 0)
                        {
                            return c;
                        }
                    }
                    var len = a.Length.CompareTo(b.Length);
                    // Values that compare equal but serialize differently (1 vs 1.0) still need a stable order.
                    return len != 0 ? len : Math.Sign(string.CompareOrdinal(Serialized, other.Serialized));
                }
            case PathElementKind.Value:
                {
                    var c = _valueOrder.CompareTo(other._valueOrder);
                    return c != 0 ? c : Math.Sign(string.CompareOrdinal(Serialized, other.Serialized));
                }
            default:
                return Index.CompareTo(other.Index);
        }
    }

    public static bool operator ==(PathElement? a, PathElement? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(PathElement? a, PathElement? b) => !(a == b);

    public static bool operator <(PathElement a, PathElement b) => a.CompareTo(b) < 0;

    public static bool operator >(PathElement a, PathElement b) => a.CompareTo(b) > 0;

    public static bool operator <=(PathElement a, PathElement b) => a.CompareTo(b) <= 0;

    public static bool operator >=(PathElement a, PathElement b) => a.CompareTo(b) >= 0;

    /// <summary>A whole path rendered as kube renders <c>fieldpath.Path</c>: <c>.spec.containers[name="x"].image</c>.</summary>
    public static string PathString(IReadOnlyList<PathElement> path)
    {
        var sb = new StringBuilder();
        foreach (var pe in path)
        {
            sb.Append(pe.ToString());
        }
        return sb.ToString();
    }
}
