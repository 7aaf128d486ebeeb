using System.Text.Json.Serialization;
using k8s.Models;

namespace Berth.ApiServer.Tables;

/// <summary><c>meta.k8s.io/v1 PartialObjectMetadataList</c>: a list served for <c>as=PartialObjectMetadataList</c>.</summary>
public sealed class PartialObjectMetadataList
{
    public const string PartialObjectMetadataListKind = "PartialObjectMetadataList";

    [JsonPropertyName("kind")]
    public string Kind { get; init; } = PartialObjectMetadataListKind;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; init; } = Table.MetaApiVersion;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; init; } = new();

    [JsonPropertyName("items")]
    public IReadOnlyList<PartialObjectMetadata> Items { get; init; } = [];
}
