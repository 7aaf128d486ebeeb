using System.Globalization;

namespace Berth.ApiServer.Tables;

/// <summary>
/// kube-apiserver's default table convertor, used for built-in kinds without a printer (Role, ClusterRole,
/// LimitRange, CustomResourceDefinition…): NAME and CREATED AT, the creation time as an RFC 3339 UTC date.
/// </summary>
internal static class DefaultPrinter
{
    public static KindPrinter Printer { get; } = new(
    [
        Columns.Name,
        new TableColumnDefinition("Created At", "date", "", ColumnDescriptions.CreationTimestamp, 0),
    ], (obj, _) => [PrintContext.Name(obj), CreatedAt(obj)]);

    /// <summary>Go's <c>Time.UTC().Format(time.RFC3339)</c>: whole seconds, <c>Z</c>; the zero time when unset.</summary>
    private static string CreatedAt(JsonView obj)
    {
        var t = obj["metadata"]["creationTimestamp"].Time;
        return t is { } v
            ? v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : "0001-01-01T00:00:00Z";
    }
}
