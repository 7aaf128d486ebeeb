using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using k8s.Models;

namespace Berth.ApiServer.Tables;

/// <summary>
/// Custom resources as apiextensions-apiserver prints them: NAME, then the CRD's <c>additionalPrinterColumns</c>
/// evaluated by JSONPath; a CRD version without columns gets kube's default single column AGE.
/// </summary>
internal static class CustomResourcePrinter
{
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly V1CustomResourceColumnDefinition[] DefaultColumns =
    [
        new() { Name = "Age", Type = "date", Description = ColumnDescriptions.CreationTimestamp, JsonPath = ".metadata.creationTimestamp" },
    ];

    public static KindPrinter Create(IReadOnlyList<V1CustomResourceColumnDefinition>? printerColumns)
    {
        var definitions = printerColumns is { Count: > 0 } ? printerColumns : DefaultColumns;
        var columns = new List<TableColumnDefinition> { Columns.Name };
        var paths = new List<(JsonPathExpression Path, string Type)>();
        foreach (var col in definitions)
        {
            // kube stops at the first column whose path it cannot parse and serves the columns before it.
            if (!JsonPathExpression.TryParse(col.JsonPath ?? "", out var path))
            {
                break;
            }
            var description = string.IsNullOrEmpty(col.Description)
                ? "Custom resource definition column (in JSONPath format): " + col.JsonPath
                : col.Description;
            columns.Add(new TableColumnDefinition(col.Name ?? "", col.Type ?? "", col.Format ?? "", description, col.Priority ?? 0));
            paths.Add((path, col.Type ?? ""));
        }

        return new KindPrinter(columns, (obj, ctx) =>
        {
            var cells = new object?[1 + paths.Count];
            cells[0] = PrintContext.Name(obj);
            for (var i = 0; i < paths.Count; i++)
            {
                cells[i + 1] = Cell(paths[i].Type, paths[i].Path.First(obj), ctx);
            }
            return cells;
        });
    }

    /// <summary>kube's <c>cellForJSONValue</c>, with <c>string</c> columns printed as kubectl's JSONPath prints values.</summary>
    private static object? Cell(string type, JsonView value, PrintContext ctx)
    {
        if (!value.Exists)
        {
            return null;
        }
        switch (type)
        {
            case "string":
                return Text(value);
            case "integer":
                return value.Long;
            case "number":
                return value.Double;
            case "boolean":
                return value.Bool;
            case "date":
                if (value.Str is not { } s)
                {
                    return null;
                }
                if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                {
                    return "<invalid>";
                }
                return ctx.Since(t.Year <= 1 ? null : t);
            default:
                return null;
        }
    }

    /// <summary>
    /// How kubectl's JSONPath prints one value: strings raw, numbers and booleans as Go formats them, objects and
    /// arrays as compact JSON with object keys sorted (Go's <c>json.Marshal</c> of a map).
    /// </summary>
    internal static string Text(JsonView value)
    {
        switch (value.Kind)
        {
            case JsonValueKind.String:
                return value.S;
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Number:
                return value.TryGetInteger(out var l) ? l.ToString(CultureInfo.InvariantCulture) : GoFloat(value.Double ?? 0);
            case JsonValueKind.Object:
            case JsonValueKind.Array:
                var buffer = new StringBuilder();
                AppendSorted(buffer, value);
                return buffer.ToString();
            default:
                return "";
        }
    }

    private static void AppendSorted(StringBuilder sb, JsonView node)
    {
        switch (node.Kind)
        {
            case JsonValueKind.Object:
                var members = node.Properties();
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                sb.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    sb.Append(JsonSerializer.Serialize(members[i].Name, CompactJson)).Append(':');
                    AppendSorted(sb, members[i].Value);
                }
                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                for (var i = 0; i < node.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    AppendSorted(sb, node[i]);
                }
                sb.Append(']');
                break;
            case JsonValueKind.String:
                sb.Append(JsonSerializer.Serialize(node.S, CompactJson));
                break;
            case JsonValueKind.Number:
                sb.Append(node.TryGetInteger(out var l)
                    ? l.ToString(CultureInfo.InvariantCulture)
                    : (node.Double ?? 0).ToString("R", CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    /// <summary>
    /// Go's <c>%v</c> for a float64 (<c>strconv.FormatFloat(f, 'g', -1, 64)</c>): shortest digits, exponent form
    /// when the decimal exponent is below -4 or at least 6
    /// (<c>1e+06</c>, <c>1.5e-05</c>, <c>123456.5</c>).
    /// </summary>
    internal static string GoFloat(double f)
    {
        if (double.IsNaN(f))
        {
            return "NaN";
        }
        if (double.IsInfinity(f))
        {
            return f > 0 ? "+Inf" : "-Inf";
        }
        if (f == 0)
        {
            return "0";
        }
        // "E16" is not shortest; "R" is, so take its digits and exponent apart.
        var r = f.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative)
        {
            r = r[1..];
        }
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? r : r[..dot];
        var fracPart = dot < 0 ? "" : r[(dot + 1)..];
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }
        // Position of the decimal point relative to the first significant digit.
        var decimalPoint = intPart.Length - leadingZeros + exponent;
        var exp = decimalPoint - 1;
        var sign = negative ? "-" : "";
        if (exp < -4 || exp >= 6)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var expSign = exp < 0 ? "-" : "+";
            var expDigits = Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
            return sign + mantissa + "e" + expSign + expDigits;
        }
        if (decimalPoint <= 0)
        {
            return sign + "0." + new string('0', -decimalPoint) + digits;
        }
        if (decimalPoint >= digits.Length)
        {
            return sign + digits + new string('0', decimalPoint - digits.Length);
        }
        return sign + digits[..decimalPoint] + "." + digits[decimalPoint..];
    }
}
