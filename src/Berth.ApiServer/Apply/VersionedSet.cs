namespace Berth.ApiServer.Apply;

/// <summary>One manager's fields, the API version they were expressed in, and whether they came from an apply.</summary>
internal sealed record VersionedSet(FieldSet Set, string ApiVersion, bool Applied);
