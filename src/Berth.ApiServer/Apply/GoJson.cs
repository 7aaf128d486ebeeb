using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// JSON values as Go's <c>encoding/json</c> and structured-merge-diff see them: compact output with HTML
/// escaping and sorted map keys, the total order of <c>value.Compare</c>, and the <c>%q</c>/<c>%v</c>
/// renderings used in field paths and conflict messages. These strings end up in <c>fieldsV1</c> keys
/// (<c>k:{"name":"nginx"}</c>) and in error messages, so they must match kube byte for byte.
/// </summary>
internal static class GoJson
{
    /// <summary>Compact JSON of <paramref name="node"/> as Go would write it (object keys sorted).</summary>
    public static string Serialize(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    public static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var key in SortedKeys(o))
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, o[key]);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    Write(sb, a[i]);
                }
                sb.Append(']');
                break;
            default:
                WriteScalar(sb, (JsonValue)node);
                break;
        }
    }

    private static List<string> SortedKeys(JsonObject o)
    {
        var keys = new List<string>(o.Count);
        foreach (var kv in o)
        {
            keys.Add(kv.Key);
        }
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private static void WriteScalar(StringBuilder sb, JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, v.GetValue<string>());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Number:
                sb.Append(FormatNumber(v));
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    /// <summary>An integral JSON number as a long, without formatting it (Go's unstructured int64).</summary>
    public static bool TryGetLong(JsonValue v, out long l)
    {
        if (v.TryGetValue(out JsonElement e))
        {
            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out l))
            {
                return true;
            }
            l = 0;
            return false;
        }
        if (v.TryGetValue(out int i))
        {
            l = i;
            return true;
        }
        if (v.TryGetValue(out l))
        {
            return true;
        }
        return long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l);
    }

    /// <summary>A number as Go writes the int64 or float64 that unstructured decoding produces.</summary>
    public static string FormatNumber(JsonValue v)
    {
        if (TryGetLong(v, out var fast))
        {
            return fast.ToString(CultureInfo.InvariantCulture);
        }
        var text = v.ToJsonString();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }
        return FormatFloat(ToDouble(text));
    }

    /// <summary>Go's <c>encoding/json</c> float64 formatting ('f' between 1e-6 and 1e21, 'e' outside).</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            return "null";
        }
        var abs = Math.Abs(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var e = FormatExponent(d);
            // encoding/json trims "e-07" to "e-7".
            var n = e.Length;
            if (n >= 4 && e[n - 4] == 'e' && e[n - 3] == '-' && e[n - 2] == '0')
            {
                e = e[..(n - 2)] + e[n - 1];
            }
            return e;
        }
        return FormatFixed(d);
    }

    /// <summary>The shortest round-trip digits of <paramref name="d"/> and the position of the decimal point.</summary>
    private static (bool Negative, string Digits, int Point) Decompose(double d)
    {
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative)
        {
            r = r[1..];
        }
        var exp = 0;
        var ei = r.IndexOfAny(['E', 'e']);
        if (ei >= 0)
        {
            exp = int.Parse(r[(ei + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..ei];
        }
        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var digits = dot >= 0 ? r.Remove(dot, 1) : r;
        var point = (dot >= 0 ? dot : r.Length) + exp;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }
        digits = digits[lead..];
        point -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return (negative, "0", 1);
        }
        return (negative, digits, point);
    }

    private static string FormatFixed(double d)
    {
        var (neg, digits, point) = Decompose(d);
        var sb = new StringBuilder();
        if (neg)
        {
            sb.Append('-');
        }
        if (point <= 0)
        {
            sb.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            sb.Append(digits).Append('0', point - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }
        return sb.ToString();
    }

    private static string FormatExponent(double d)
    {
        var (neg, digits, point) = Decompose(d);
        var sb = new StringBuilder();
        if (neg)
        {
            sb.Append('-');
        }
        sb.Append(digits[0]);
        if (digits.Length > 1)
        {
            sb.Append('.').Append(digits, 1, digits.Length - 1);
        }
        var exp = digits == "0" ? 0 : point - 1;
        sb.Append('e').Append(exp < 0 ? '-' : '+');
        var e = Math.Abs(exp);
        sb.Append(e < 10 ? "0" + e.ToString(CultureInfo.InvariantCulture) : e.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static double ToDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;

    /// <summary>A JSON string literal with Go's escaping (HTML characters as <c>\u003c</c> and so on).</summary>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    public static string QuoteJson(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        WriteString(sb, s);
        return sb.ToString();
    }

    /// <summary>Go's <c>%q</c> of a string, as used for manager names in conflict messages.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\a':
                    sb.Append("\\a");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\v':
                    sb.Append("\\v");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>structured-merge-diff's <c>value.ToString</c>: the rendering used inside field paths.</summary>
    public static string ToDisplay(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "null";
            case JsonObject o:
                {
                    var sb = new StringBuilder();
                    foreach (var key in SortedKeys(o))
                    {
                        sb.Append(key).Append('=').Append(ToDisplay(o[key]));
                    }
                    return sb.ToString();
                }
            case JsonArray a:
                {
                    var parts = new string[a.Count];
                    for (var i = 0; i < a.Count; i++)
                    {
                        parts[i] = ToDisplay(a[i]);
                    }
                    return "[" + string.Join(",", parts) + "]";
                }
            default:
                var v = (JsonValue)node;
                return v.GetValueKind() switch
                {
                    JsonValueKind.String => Quote(v.GetValue<string>()),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Number => FormatNumberForDisplay(v),
                    _ => "null",
                };
        }
    }

    private static string FormatNumberForDisplay(JsonValue v)
    {
        var text = v.ToJsonString();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }
        // Go's %v of a float64 is %g with the shortest digits: exponent form below 1e-4 or from 1e6 on.
        var d = ToDouble(text);
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            return text;
        }
        var (_, digits, point) = Decompose(d);
        var exp = digits == "0" ? 0 : point - 1;
        return exp < -4 || exp >= 6 ? FormatExponent(d) : FormatFixed(d);
    }

    /// <summary>The kind rank of structured-merge-diff's total order: numbers, strings, booleans, lists, maps, null.</summary>
    private static int Rank(JsonNode? n) => n switch
    {
        null => 5,
        JsonObject => 4,
        JsonArray => 3,
        _ => ((JsonValue)n).GetValueKind() switch
        {
            JsonValueKind.Number => 0,
            JsonValueKind.String => 1,
            JsonValueKind.True or JsonValueKind.False => 2,
            _ => 5,
        },
    };

    /// <summary>structured-merge-diff's <c>value.Compare</c>: a total order over JSON values.</summary>
    public static int Compare(JsonNode? a, JsonNode? b)
    {
        var ra = Rank(a);
        var rb = Rank(b);
        if (ra != rb)
        {
            return ra < rb ? -1 : 1;
        }
        switch (ra)
        {
            case 0:
                return CompareNumbers((JsonValue)a!, (JsonValue)b!);
            case 1:
                return Math.Sign(string.CompareOrdinal(a!.GetValue<string>(), b!.GetValue<string>()));
            case 2:
                {
                    var x = a!.GetValueKind() == JsonValueKind.True;
                    var y = b!.GetValueKind() == JsonValueKind.True;
                    return x == y ? 0 : (x ? 1 : -1);
                }
            case 3:
                {
                    var x = (JsonArray)a!;
                    var y = (JsonArray)b!;
                    for (var i = 0; i < x.Count && i < y.Count; i++)
                    {
                        var c = Compare(x[i], y[i]);
                        if (c != 0)
                        {
                            return c;
                        }
                    }
                    return x.Count.CompareTo(y.Count);
                }
            case 4:
                {
                    var x = (JsonObject)a!;
                    var y = (JsonObject)b!;
                    var kx = SortedKeys(x);
                    var ky = SortedKeys(y);
                    for (var i = 0; i < kx.Count && i < ky.Count; i++)
                    {
                        var c = Math.Sign(string.CompareOrdinal(kx[i], ky[i]));
                        if (c != 0)
                        {
                            return c;
                        }
                        c = Compare(x[kx[i]], y[ky[i]]);
                        if (c != 0)
                        {
                            return c;
                        }
                    }
                    return kx.Count.CompareTo(ky.Count);
                }
            default:
                return 0;
        }
    }

    /// <summary>Scalar equality without allocating for values parsed from JSON (the common case).</summary>
    public static bool ScalarEquals(JsonValue a, JsonValue b)
    {
        if (a.TryGetValue(out JsonElement ea) && b.TryGetValue(out JsonElement eb))
        {
            return JsonElement.DeepEquals(ea, eb);
        }
        var ka = a.GetValueKind();
        var kb = b.GetValueKind();
        if (ka != kb)
        {
            return false;
        }
        return ka switch
        {
            JsonValueKind.String => string.Equals(a.GetValue<string>(), b.GetValue<string>(), StringComparison.Ordinal),
            JsonValueKind.Number => CompareNumbers(a, b) == 0,
            _ => true,
        };
    }

    private static int CompareNumbers(JsonValue a, JsonValue b)
    {
        var ta = a.ToJsonString();
        var tb = b.ToJsonString();
        if (long.TryParse(ta, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var la)
            && long.TryParse(tb, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var lb))
        {
            return la.CompareTo(lb);
        }
        return ToDouble(ta).CompareTo(ToDouble(tb));
    }

    /// <summary>Deep equality with structured-merge-diff's semantics (maps unordered, 1 equals 1.0).</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        switch (a)
        {
            case JsonObject oa:
                {
                    if (b is not JsonObject ob || oa.Count != ob.Count)
                    {
                        return false;
                    }
                    foreach (var kv in oa)
                    {
                        if (!ob.TryGetPropertyValue(kv.Key, out var other) || !DeepEquals(kv.Value, other))
                        {
                            return false;
                        }
                    }
                    return true;
                }
            case JsonArray aa:
                {
                    if (b is not JsonArray ab || aa.Count != ab.Count)
                    {
                        return false;
                    }
                    for (var i = 0; i < aa.Count; i++)
                    {
                        if (!DeepEquals(aa[i], ab[i]))
                        {
                            return false;
                        }
                    }
                    return true;
                }
            default:
                {
                    if (b is not JsonValue vb)
                    {
                        return false;
                    }
                    return ScalarEquals((JsonValue)a, vb);
                }
        }
    }
}
