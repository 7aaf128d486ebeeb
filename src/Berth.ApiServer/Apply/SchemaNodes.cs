using System.Text.Json.Nodes;
using Berth.Api.Schema;

namespace Berth.ApiServer.Apply;

/// <summary>Creates the <see cref="ISchemaNode"/> that server-side apply walks for a kind.</summary>
public static class SchemaNodes
{
    /// <summary>Values without a schema: objects are granular maps, lists atomic, nulls kept.</summary>
    public static ISchemaNode Deduced => DeducedSchemaNode.Instance;

    /// <summary>
    /// The schema of a built-in resource type, e.g. <c>SchemaNodes.For(TypeSchema.For&lt;V1Deployment&gt;())</c>;
    /// <see cref="Deduced"/> for null. Cached: calling this per request is cheap.
    /// </summary>
    public static ISchemaNode For(TypeSchema? resourceType) =>
        resourceType is null ? DeducedSchemaNode.Instance : TypeSchemaNode.ForRoot(resourceType);

    /// <summary>
    /// The schema of a custom resource version from its CRD's <c>openAPIV3Schema</c>. Build it once per CRD
    /// version and reuse it: the result is immutable and thread-safe, and building walks the whole schema.
    /// </summary>
    public static ISchemaNode FromOpenApi(JsonObject openApiV3Schema) => new OpenApiSchemaNode(openApiV3Schema, root: true, depth: 0);
}
