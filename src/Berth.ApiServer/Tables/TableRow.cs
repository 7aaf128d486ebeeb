using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Berth.ApiServer.Tables;

/// <summary>One row of a <c>meta.k8s.io/v1 Table</c>: the cells, optional row conditions and the object.</summary>
public sealed class TableRow
{
    /// <summary>
    /// One value per column, in column order: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
    /// <see cref="bool"/> or null (written as JSON <c>null</c>).
    /// </summary>
    [JsonPropertyName("cells")]
    public required IReadOnlyList<object?> Cells { get; init; }

    [JsonPropertyName("conditions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TableRowCondition>? Conditions { get; init; }

    /// <summary>
    /// What <see cref="IncludeObject"/> asked for: a <c>PartialObjectMetadata</c>, the object itself (the same
    /// instance that was converted, not a copy) or null. Always written, as <c>"object": null</c> when absent.
    /// </summary>
    [JsonPropertyName("object")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonObject? Object { get; init; }
}
