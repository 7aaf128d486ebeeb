using System.Text.Json.Serialization;
using k8s.Models;

namespace Berth.ApiServer.Tables;

/// <summary>
/// <c>meta.k8s.io/v1 PartialObjectMetadata</c>: an object reduced to its metadata, as served for
/// <c>as=PartialObjectMetadata</c> and placed in Table rows by <c>includeObject=Metadata</c>.
/// </summary>
public sealed class PartialObjectMetadata
{
    public const string PartialObjectMetadataKind = "PartialObjectMetadata";

    [JsonPropertyName("kind")]
    public string Kind { get; init; } = PartialObjectMetadataKind;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; init; } = Table.MetaApiVersion;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; init; } = new();
}
