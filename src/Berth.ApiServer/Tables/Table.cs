using System.Text.Json.Serialization;
using k8s.Models;

namespace Berth.ApiServer.Tables;

/// <summary>
/// <c>meta.k8s.io/v1 Table</c>: what kube-apiserver returns for <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>.
/// </summary>
/// <remarks>
/// For large lists prefer <see cref="TableConvertor.WriteTable(System.Text.Json.Utf8JsonWriter, Berth.Api.Kinds.ResourceInfo, IEnumerable{System.Text.Json.Nodes.JsonObject}, string, string?, long?, IncludeObject)"/>,
/// which streams the same JSON without building this object.
/// </remarks>
public sealed class Table
{
    public const string TableKind = "Table";
    public const string MetaApiVersion = "meta.k8s.io/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; init; } = TableKind;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; init; } = MetaApiVersion;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; init; } = new();

    /// <summary>The columns; null in watch events after the first, as kube-apiserver sends them only once.</summary>
    [JsonPropertyName("columnDefinitions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<TableColumnDefinition>? ColumnDefinitions { get; init; }

    [JsonPropertyName("rows")]
    public IReadOnlyList<TableRow> Rows { get; init; } = [];
}
