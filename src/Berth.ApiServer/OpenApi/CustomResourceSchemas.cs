using System.Text.Json.Nodes;
using Berth.Api.Kinds;

namespace Berth.ApiServer.OpenApi;

/// <summary>
/// Turns a CustomResourceDefinition version's <c>openAPIV3Schema</c> into the definition kube-apiserver publishes
/// for the custom kind: the schema plus <c>apiVersion</c>, <c>kind</c>, <c>metadata</c> (ObjectMeta) and the
/// group-version-kind extension; for Swagger 2.0, the constructs it cannot express are removed the way
/// apiextensions-apiserver does it.
/// </summary>
internal static class CustomResourceSchemas
{
    public static JsonObject Kind(ResourceInfo resource, SchemaBuilder schemas, string objectMetaName)
    {
        var schema = resource.CustomSchema?.DeepClone() as JsonObject
            ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        if (schemas.Flavor == OpenApiFlavor.V2)
        {
            ToV2(schema, isRoot: true);
        }
        schema["type"] = "object";
        if (schema["properties"] is not JsonObject properties)
        {
            properties = new JsonObject();
            schema["properties"] = properties;
        }
        properties["apiVersion"] = Json.Obj(("description", KubeTexts.ApiVersionField), ("type", "string"));
        properties["kind"] = Json.Obj(("description", KubeTexts.KindField), ("type", "string"));
        properties["metadata"] = schemas.AnnotatedRef(objectMetaName, KubeTexts.MetadataField);
        Json.SortKeys(properties);
        schema["x-kubernetes-group-version-kind"] = new JsonArray(Json.Gvk(resource.Group, resource.Version, resource.Kind));
        Json.SortKeys(schema);
        return schema;
    }

    // Swagger 2.0 has no nullable, oneOf, anyOf or not; kubectl's v2 validation also mishandles untyped values that
    // still declare items or properties. Mirrors apiextensions-apiserver's ToStructuralOpenAPIV2.
    private static void ToV2(JsonObject schema, bool isRoot)
    {
        schema.Remove("oneOf");
        schema.Remove("anyOf");
        schema.Remove("allOf");
        schema.Remove("not");
        var untyped = false;
        if (schema["nullable"] is JsonValue nullable && nullable.TryGetValue<bool>(out var n) && n)
        {
            untyped = true;
        }
        schema.Remove("nullable");
        if (!isRoot && schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.TryGetValue<bool>(out var preserve) && preserve)
        {
            untyped = true;
        }
        if (schema["x-kubernetes-int-or-string"] is JsonValue i && i.TryGetValue<bool>(out var intOrString) && intOrString)
        {
            schema.Remove("type");
        }
        if (untyped)
        {
            schema.Remove("type");
            schema.Remove("items");
            schema.Remove("properties");
        }
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (_, child) in properties)
            {
                if (child is JsonObject c)
                {
                    ToV2(c, isRoot: false);
                }
            }
        }
        if (schema["items"] is JsonObject items)
        {
            ToV2(items, isRoot: false);
        }
        if (schema["additionalProperties"] is JsonObject additional)
        {
            ToV2(additional, isRoot: false);
        }
    }
}
