using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Tables;

/// <summary>
/// A read-only, null-tolerant view of one JSON value that is either a <see cref="JsonNode"/> or a
/// <see cref="JsonElement"/>. A missing member, JSON null and a value of the wrong kind all read as absent.
/// </summary>
/// <remarks>
/// Why not just <see cref="JsonObject"/>: objects parsed with <c>JsonNode.Parse</c> are backed by a
/// <see cref="JsonElement"/> until first touched, and touching them builds a node for every member on the way
/// down. For a 10,000-pod list that costs several times the conversion itself. This view reads such objects
/// through their <see cref="JsonElement"/> instead, so converting never materializes (or mutates) the caller's
/// nodes, and writing them out afterwards stays a straight copy.
/// </remarks>
internal readonly struct JsonView
{
    private const byte Missing = 0;
    private const byte Node = 1;
    private const byte Element = 2;

    private readonly JsonNode? _node;
    private readonly JsonElement _element;
    private readonly byte _mode;

    private JsonView(JsonNode node)
    {
        _node = node;
        _mode = Node;
    }

    private JsonView(JsonElement element)
    {
        _element = element;
        _mode = element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? Missing : Element;
    }

    /// <summary>A view of <paramref name="node"/>, reading through its backing element when it has not been materialized.</summary>
    public static JsonView Of(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return default;
            case JsonObject o when BackingElement(o) is { } e:
                return new JsonView(e);
            case JsonArray a when BackingElement(a) is { } e:
                return new JsonView(e);
            case JsonValue v when v.TryGetValue<JsonElement>(out var e):
                return new JsonView(e);
            default:
                return node.GetValueKind() == JsonValueKind.Null ? default : new JsonView(node);
        }
    }

    public static JsonView Of(JsonElement element) => new(element);

    public bool Exists => _mode != Missing;

    public JsonValueKind Kind => _mode switch
    {
        Element => _element.ValueKind,
        Node => _node!.GetValueKind(),
        _ => JsonValueKind.Undefined,
    };

    public bool IsObject => Kind == JsonValueKind.Object;

    public bool IsArray => Kind == JsonValueKind.Array;

    /// <summary>The member <paramref name="name"/> of an object; missing otherwise.</summary>
    public JsonView this[string name]
    {
        get
        {
            if (_mode == Element)
            {
                return _element.ValueKind == JsonValueKind.Object && _element.TryGetProperty(name, out var child) ? new JsonView(child) : default;
            }
            return _node is JsonObject o && o.TryGetPropertyValue(name, out var n) ? Of(n) : default;
        }
    }

    /// <summary>Element <paramref name="index"/> of an array; missing otherwise.</summary>
    public JsonView this[int index]
    {
        get
        {
            if (index < 0 || !IsArray || index >= Length)
            {
                return default;
            }
            return _mode == Element ? new JsonView(_element[index]) : Of(((JsonArray)_node!)[index]);
        }
    }

    /// <summary>Number of elements of an array, or of members of an object; 0 for anything else.</summary>
    public int Length
    {
        get
        {
            if (_mode == Element)
            {
                return _element.ValueKind switch
                {
                    JsonValueKind.Array => _element.GetArrayLength(),
                    JsonValueKind.Object => _element.GetPropertyCount(),
                    _ => 0,
                };
            }
            return _node switch
            {
                JsonArray a => a.Count,
                JsonObject o => o.Count,
                _ => 0,
            };
        }
    }

    /// <summary>The string value, or null when this is not a string.</summary>
    public string? Str
    {
        get
        {
            if (_mode == Element)
            {
                return _element.ValueKind == JsonValueKind.String ? _element.GetString() : null;
            }
            return _node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.TryGetValue<string>(out var s) ? s : null;
        }
    }

    /// <summary>The string value, or "" (Go's zero value) when absent.</summary>
    public string S => Str ?? "";

    /// <summary>Whether this is the string <paramref name="text"/>; compares without allocating for parsed JSON.</summary>
    public bool Is(string text) => _mode == Element
        ? _element.ValueKind == JsonValueKind.String && _element.ValueEquals(text)
        : Str == text;

    /// <summary>The value as an integer (truncating a fraction), or null when it is not a number.</summary>
    public long? Long
    {
        get
        {
            if (_mode == Element)
            {
                if (_element.ValueKind != JsonValueKind.Number)
                {
                    return null;
                }
                // A number too large for a double (1e400) reads as absent rather than throwing.
                return _element.TryGetInt64(out var l) ? l : _element.TryGetDouble(out var d) ? (long)d : null;
            }
            return _node is JsonValue v && NodeNumber(v, out var integer, out var real) ? integer ?? (long)real : null;
        }
    }

    /// <summary>The integer value, or 0 when absent.</summary>
    public long L => Long ?? 0;

    /// <summary>The value as a double, or null when it is not a number.</summary>
    public double? Double
    {
        get
        {
            if (_mode == Element)
            {
                return _element.ValueKind == JsonValueKind.Number && _element.TryGetDouble(out var d) ? d : null;
            }
            return _node is JsonValue v && NodeNumber(v, out var integer, out var real) ? integer ?? real : null;
        }
    }

    /// <summary>True only for a JSON integer that fits in a long, the way Go decodes whole numbers into int64.</summary>
    public bool TryGetInteger(out long value)
    {
        value = 0;
        if (_mode == Element)
        {
            return _element.ValueKind == JsonValueKind.Number && _element.TryGetInt64(out value);
        }
        if (_node is JsonValue v && NodeNumber(v, out var integer, out var real))
        {
            // Doubles that hold whole numbers come from code, not from parsed text; keep them whole.
            if (integer is { } i)
            {
                value = i;
                return true;
            }
            if (Math.Floor(real) == real && Math.Abs(real) < 9e18)
            {
                value = (long)real;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Reads a number held by a constructed <see cref="JsonValue"/>, whatever CLR type it wraps (each wraps exactly
    /// one and converts to no other). <paramref name="integer"/> is set for integral types.
    /// </summary>
    private static bool NodeNumber(JsonValue v, out long? integer, out double real)
    {
        integer = null;
        real = 0;
        if (v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }
        if (v.TryGetValue<long>(out var l))
        {
            integer = l;
        }
        else if (v.TryGetValue<int>(out var i))
        {
            integer = i;
        }
        else if (v.TryGetValue<short>(out var sh))
        {
            integer = sh;
        }
        else if (v.TryGetValue<byte>(out var b))
        {
            integer = b;
        }
        else if (v.TryGetValue<uint>(out var ui))
        {
            integer = ui;
        }
        else if (v.TryGetValue<ulong>(out var ul))
        {
            if (ul <= long.MaxValue)
            {
                integer = (long)ul;
            }
            real = ul;
            return true;
        }
        else if (v.TryGetValue<double>(out var d))
        {
            real = d;
            return true;
        }
        else if (v.TryGetValue<float>(out var f))
        {
            real = f;
            return true;
        }
        else if (v.TryGetValue<decimal>(out var m))
        {
            real = (double)m;
            return true;
        }
        else if (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number)
        {
            if (e.TryGetInt64(out var el))
            {
                integer = el;
            }
            return e.TryGetDouble(out real) || integer is not null;
        }
        else
        {
            return false;
        }
        real = integer.Value;
        return true;
    }

    public bool? Bool => Kind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>
    /// A <c>metav1.Time</c> / <c>MicroTime</c>: RFC 3339 with optional fraction. Null when absent, unparsable or Go's
    /// zero time, all of which kube prints as <c>&lt;unknown&gt;</c>.
    /// </summary>
    public DateTimeOffset? Time
    {
        get
        {
            // Parsed JSON: System.Text.Json's ISO 8601 reader covers RFC 3339 and avoids allocating the string.
            if (_mode == Element && _element.ValueKind == JsonValueKind.String && _element.TryGetDateTimeOffset(out var t))
            {
                return t.Year <= 1 ? null : t.ToUniversalTime();
            }
            return ParseTime(Str);
        }
    }

    public static DateTimeOffset? ParseTime(string? s)
    {
        if (string.IsNullOrEmpty(s)
            || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            || t.Year <= 1)
        {
            return null;
        }
        return t;
    }

    /// <summary>An int-or-string (<c>intstr.IntOrString</c>) as Go's <c>String()</c> prints it, or null when absent.</summary>
    public string? IntOrString => Kind switch
    {
        JsonValueKind.String => Str,
        JsonValueKind.Number => L.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>The members of an object, in document order; empty for anything else.</summary>
    public List<(string Name, JsonView Value)> Properties()
    {
        var list = new List<(string, JsonView)>();
        if (_mode == Element)
        {
            if (_element.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in _element.EnumerateObject())
                {
                    list.Add((p.Name, new JsonView(p.Value)));
                }
            }
        }
        else if (_node is JsonObject o)
        {
            foreach (var (name, value) in o)
            {
                list.Add((name, Of(value)));
            }
        }
        return list;
    }

    /// <summary>Writes the value as JSON; <c>null</c> when missing.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (_mode)
        {
            case Element:
                // The element was parsed from valid JSON: copy its bytes instead of re-writing token by token.
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(_element), skipInputValidation: true);
                break;
            case Node:
                _node!.WriteTo(writer);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>A detached node holding a copy of the value (for rows returned to callers).</summary>
    public JsonNode? ToNode() => _mode switch
    {
        Element => JsonSerializer.SerializeToNode(_element),
        Node => _node!.DeepClone(),
        _ => null,
    };

    // The element a JsonObject/JsonArray was parsed from, while it has not been materialized into nodes. Read
    // through an accessor because System.Text.Json exposes no API for it; if a future version renames the field,
    // the view falls back to reading nodes, which is slower but equally correct.
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_jsonElement")]
    private static extern ref JsonElement? ObjectElement(JsonObject node);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_jsonElement")]
    private static extern ref JsonElement? ArrayElement(JsonArray node);

    private static bool _accessorBroken;

    private static JsonElement? BackingElement(JsonObject o)
    {
        if (_accessorBroken)
        {
            return null;
        }
        try
        {
            return ObjectElement(o);
        }
        catch (MissingFieldException)
        {
            _accessorBroken = true;
            return null;
        }
    }

    private static JsonElement? BackingElement(JsonArray a)
    {
        if (_accessorBroken)
        {
            return null;
        }
        try
        {
            return ArrayElement(a);
        }
        catch (MissingFieldException)
        {
            _accessorBroken = true;
            return null;
        }
    }
}
