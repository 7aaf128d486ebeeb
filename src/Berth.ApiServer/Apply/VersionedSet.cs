using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>One manager's fields, the API version they were expressed in, and whether they came from an apply.</summary>
/// <param name="Encoded">
/// The fieldsV1 this set was decoded from, reused on encoding while <see cref="Set"/> is still that very
/// set instance (set operations return their input when nothing changes), so unchanged entries are not rebuilt.
/// </param>
internal sealed record VersionedSet(FieldSet Set, string ApiVersion, bool Applied, JsonNode? Encoded = null, FieldSet? EncodedSet = null)
{
    public JsonNode EncodeFields() =>
        Encoded is not null && ReferenceEquals(Set, EncodedSet) ? Encoded.DeepClone() : FieldsV1.Encode(Set);
}
