using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Api.Validation;

/// <summary>
/// The small validators that kube-apiserver's validation packages share (apimachinery api/validation,
/// meta/v1/validation and core/validation helpers), each appending kube's exact errors.
/// </summary>
public static class Check
{
    public const string IsNegativeErrorMsg = "must be greater than or equal to 0";
    public const string FieldImmutableErrorMsg = "field is immutable";
    public const string IsNotPositiveErrorMsg = "must be greater than zero";

    /// <summary>ValidateNonnegativeField.</summary>
    public static void Nonnegative(long? value, FieldPath path, List<FieldError> errs)
    {
        if (value is < 0)
        {
            errs.Add(FieldError.Invalid(path, value.Value, IsNegativeErrorMsg));
        }
    }

    /// <summary>ValidateImmutableField: the new value, rendered as JSON, with "field is immutable".</summary>
    public static void Immutable(JsonNode? newValue, JsonNode? oldValue, FieldPath path, List<FieldError> errs, bool mapSemantics = false)
    {
        if (!JsonAccess.SemanticEquals(newValue, oldValue))
        {
            errs.Add(FieldError.Invalid(path, Render(newValue, mapSemantics), FieldImmutableErrorMsg));
        }
    }

    /// <summary>A JSON value as a field error shows it: strings quoted, numbers bare, the rest as JSON.</summary>
    public static object? Render(JsonNode? value, bool mapSemantics = false) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => JsonAccess.AsLong(v) is { } l ? l : new RawJson(v.ToJsonString()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => GoValues.Json(value, mapSemantics),
    };

    /// <summary>A map (labels, selector) rendered with sorted keys, as Go marshals maps.</summary>
    public static RawJson Map(JsonNode? value) => GoValues.Map(value);

    public static RawJson Json(JsonNode? value) => GoValues.Json(value);

    /// <summary>
    /// An internal (untagged) Go struct as json.Marshal writes it: Go field names in declaration order.
    /// kube passes some internal structs as bad values, e.g. a duplicate Service port.
    /// </summary>
    public static RawJson GoStruct(params (string Field, JsonNode? Value)[] fields)
    {
        var sb = new System.Text.StringBuilder("{");
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            GoValues.WriteString(sb, fields[i].Field);
            sb.Append(':').Append(GoValues.Json(fields[i].Value).Json);
        }
        return new RawJson(sb.Append('}').ToString());
    }

    public static void Dns1123Label(string value, FieldPath path, List<FieldError> errs)
    {
        foreach (var msg in NameRules.Dns1123Label(value))
        {
            errs.Add(FieldError.Invalid(path, value, msg));
        }
    }

    public static void Dns1123Subdomain(string value, FieldPath path, List<FieldError> errs)
    {
        foreach (var msg in NameRules.Dns1123Subdomain(value))
        {
            errs.Add(FieldError.Invalid(path, value, msg));
        }
    }

    public static void QualifiedName(string value, FieldPath path, List<FieldError> errs)
    {
        foreach (var msg in NameRules.QualifiedName(value))
        {
            errs.Add(FieldError.Invalid(path, value, msg));
        }
    }

    /// <summary>ValidateLabelName: one error per problem, reported on the map's path.</summary>
    public static void LabelName(string key, FieldPath path, List<FieldError> errs)
    {
        foreach (var msg in NameRules.QualifiedName(key))
        {
            errs.Add(FieldError.Invalid(path, key, msg));
        }
    }

    /// <summary>ValidateLabels: keys are qualified names, values label values.</summary>
    public static void Labels(JsonObject? labels, FieldPath path, List<FieldError> errs)
    {
        if (labels is null)
        {
            return;
        }
        foreach (var (k, v) in labels)
        {
            LabelName(k, path, errs);
            var value = JsonAccess.AsString(v) ?? "";
            foreach (var msg in NameRules.LabelValue(value))
            {
                errs.Add(FieldError.Invalid(path, value, msg));
            }
        }
    }

    /// <summary>Total annotation size limit (256 KiB), as apimachinery's TotalAnnotationSizeLimitB.</summary>
    public const int TotalAnnotationSizeLimit = 256 * 1024;

    /// <summary>ValidateAnnotations: keys are case-insensitive qualified names; total size ≤ 256 KiB.</summary>
    public static void Annotations(JsonObject? annotations, FieldPath path, List<FieldError> errs)
    {
        if (annotations is null)
        {
            return;
        }
        long total = 0;
        foreach (var (k, v) in annotations)
        {
            foreach (var msg in NameRules.QualifiedName(k.ToLowerInvariant()))
            {
                errs.Add(FieldError.Invalid(path, k, msg));
            }
            total += System.Text.Encoding.UTF8.GetByteCount(k) + System.Text.Encoding.UTF8.GetByteCount(JsonAccess.AsString(v) ?? "");
        }
        if (total > TotalAnnotationSizeLimit)
        {
            errs.Add(FieldError.TooLong(path, TotalAnnotationSizeLimit));
        }
    }

    /// <summary>
    /// ValidatePortNumOrName: an int-or-string that is a port number (1–65535) or an IANA service name.
    /// </summary>
    public static void PortNumOrName(JsonNode? port, FieldPath path, List<FieldError> errs)
    {
        if (JsonAccess.AsLong(port) is { } n)
        {
            if (!NameRules.IsValidPortNum(n))
            {
                errs.Add(FieldError.Invalid(path, n, NameRules.PortRangeError));
            }
            return;
        }
        var s = JsonAccess.AsString(port) ?? "";
        foreach (var msg in NameRules.PortName(s))
        {
            errs.Add(FieldError.Invalid(path, s, msg));
        }
    }

    /// <summary>Reads a quantity (string or JSON number); null when absent or malformed.</summary>
    public static Quantity? ReadQuantity(JsonNode? node)
    {
        var text = node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : JsonAccess.AsString(node);
        return text is not null && Berth.Api.Validation.Quantity.TryParse(text, out var q, out _) ? q : null;
    }

    /// <summary>IsValidIP as a field error list.</summary>
    public static void Ip(string value, FieldPath path, List<FieldError> errs)
    {
        if (NameRules.ParseIp(value) is null)
        {
            errs.Add(FieldError.Invalid(path, value, NameRules.IpMessage));
        }
    }

    /// <summary>IsValidCIDR as a field error list.</summary>
    public static void Cidr(string value, FieldPath path, List<FieldError> errs)
    {
        if (!NameRules.TryParseCidr(value, out _, out _))
        {
            errs.Add(FieldError.Invalid(path, value, NameRules.CidrMessage));
        }
    }
}
