using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Berth.Api.Validation;

/// <summary>The kinds of field error Kubernetes reports (k8s.io/apimachinery/pkg/util/validation/field).</summary>
public enum FieldErrorType
{
    Required,
    Invalid,
    NotSupported,
    Duplicate,
    Forbidden,
    TooLong,
    TooMany,
    NotFound,
    Internal,
}

/// <summary>One validation failure on one field, rendered as kube-apiserver renders it.</summary>
/// <remarks>
/// Bad values render like Go's field.Error: strings quoted as <c>%q</c>, numbers and booleans bare,
/// anything else as JSON (<see cref="RawJson"/>, <see cref="JsonNode"/>, string lists and maps).
/// </remarks>
public sealed record FieldError(FieldErrorType Type, string Field, object? BadValue = null, string Detail = "")
{
    /// <summary>The <c>StatusCause.reason</c>: FieldValueRequired, FieldValueInvalid, …</summary>
    public string Reason => Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.NotFound => "FieldValueNotFound",
        _ => "InternalError",
    };

    private string TypeText => Type switch
    {
        FieldErrorType.Required => "Required value",
        FieldErrorType.Invalid => "Invalid value",
        FieldErrorType.NotSupported => "Unsupported value",
        FieldErrorType.Duplicate => "Duplicate value",
        FieldErrorType.Forbidden => "Forbidden",
        FieldErrorType.TooLong => "Too long",
        FieldErrorType.TooMany => "Too many",
        FieldErrorType.NotFound => "Not found",
        _ => "Internal error",
    };

    /// <summary>The message without the field path, as it appears in <c>StatusCause.message</c>.</summary>
    public string Message
    {
        get
        {
            var showValue = Type is FieldErrorType.Invalid or FieldErrorType.NotSupported or FieldErrorType.Duplicate
                or FieldErrorType.NotFound or FieldErrorType.TooMany;
            var text = TypeText;
            if (showValue && !ReferenceEquals(BadValue, Omitted))
            {
                text += ": " + FormatValue(BadValue);
            }
            return string.IsNullOrEmpty(Detail) ? text : text + ": " + Detail;
        }
    }

    /// <summary>The full line: <c>spec.replicas: Invalid value: -1: must be greater than or equal to 0</c>.</summary>
    public override string ToString() => string.IsNullOrEmpty(Field) ? Message : Field + ": " + Message;

    private static string FormatValue(object? v) => v switch
    {
        null => "null",
        string s => GoValues.Quote(s),
        bool b => b ? "true" : "false",
        RawJson r => r.Json,
        JsonNode n => GoValues.Json(n).Json,
        IDictionary<string, string> map => FormatMap(map),
        IEnumerable<string> list => GoValues.StringList(list).Json,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "null",
    };

    private static string FormatMap(IDictionary<string, string> map)
    {
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var (k, val) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                sb.Append(',');
            }
            first = false;
            GoValues.WriteString(sb, k);
            sb.Append(':');
            GoValues.WriteString(sb, val);
        }
        return sb.Append('}').ToString();
    }

    /// <summary>A bad value that is not printed (Go's field.OmitValueType).</summary>
    public static readonly object Omitted = new();

    public static FieldError Required(string field, string detail = "") => new(FieldErrorType.Required, field, null, detail);
    public static FieldError Invalid(string field, object? value, string detail) => new(FieldErrorType.Invalid, field, value, detail);
    public static FieldError Forbidden(string field, string detail) => new(FieldErrorType.Forbidden, field, null, detail);
    public static FieldError Duplicate(string field, object? value) => new(FieldErrorType.Duplicate, field, value);
    public static FieldError NotFound(string field, object? value, string detail = "") => new(FieldErrorType.NotFound, field, value, detail);
    public static FieldError Internal(string field, string detail) => new(FieldErrorType.Internal, field, null, detail);

    /// <summary>Too long: the detail kube-apiserver gives for oversized annotations, Secret and ConfigMap data.</summary>
    public static FieldError TooLong(string field, int max) =>
        new(FieldErrorType.TooLong, field, null, $"must have at most {max} bytes");

    /// <summary>Too many: <c>Too many: 21: must have at most 20 items</c>.</summary>
    public static FieldError TooMany(string field, int actual, int max) =>
        new(FieldErrorType.TooMany, field, actual, max == 1 ? "must have at most 1 item" : $"must have at most {max} items");

    public static FieldError NotSupported(string field, object? value, IEnumerable<string> valid) =>
        new(FieldErrorType.NotSupported, field, value,
            "supported values: " + string.Join(", ", valid.Select(GoValues.Quote)));
}
