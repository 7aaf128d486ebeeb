using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
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
            cells[0] = Fields.Name(obj);
            for (var i = 0; i < paths.Count; i++)
            {
                var value = paths[i].Path.First(obj, out var found);
                cells[i + 1] = found ? Cell(paths[i].Type, value, ctx) : null;
            }
            return cells;
        });
    }

    /// <summary>kube's <c>cellForJSONValue</c>, with <c>string</c> columns printed as kubectl's JSONPath prints values.</summary>
    private static object? Cell(string type, JsonNode? value, PrintContext ctx)
    {
        if (value is null)
        {
            return null;
        }
        var kind = value.GetValueKind();
        switch (type)
        {
            case "string":
                return Text(value);
            case "integer":
                return kind == JsonValueKind.Number ? Fields.Long(value) : null;
            case "number":
                return kind == JsonValueKind.Number && value.AsValue().TryGetValue<double>(out var d) ? d : null;
            case "boolean":
                return Fields.Bool(value);
            case "date":
                if (Fields.Str(value) is not { } s)
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
    internal static string Text(JsonNode value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return Fields.Str(value) ?? "";
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Number:
                if (value.AsValue().TryGetValue<long>(out var l))
                {
                    return l.ToString(CultureInfo.InvariantCulture);
                }
                return GoFloat(value.AsValue().GetValue<double>());
            case JsonValueKind.Object:
            case JsonValueKind.Array:
                var buffer = new StringBuilder();
                AppendSorted(buffer, value);
                return buffer.ToString();
            default:
                return "";
        }
    }

    private static void AppendSorted(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var keys = new List<string>(o.Count);
                foreach (var (k, _) in o)
                {
                    keys.Add(k);
                }
                keys.Sort(StringComparer.Ordinal);
                sb.Append('{');
                for (var i = 0; i < keys.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    sb.Append(JsonSerializer.Serialize(keys[i], CompactJson)).Append(':');
                    AppendSorted(sb, o[keys[i]]);
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
                    AppendSorted(sb, a[i]);
                }
                sb.Append(']');
                break;
            case null:
                sb.Append("null");
                break;
            default:
                sb.Append(node.ToJsonString(CompactJson));
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
