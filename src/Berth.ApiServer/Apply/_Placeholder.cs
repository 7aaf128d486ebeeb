// Temporary until the apply helper's branch lands.
using System.Text.Json.Nodes;
using Berth.Api.Schema;

namespace Berth.ApiServer.Apply;

public static class FieldManager
{
    public static void UpdateManagedFields(JsonObject newObj, JsonObject? oldObj, string manager, string apiVersion,
        TypeSchema? schema, DateTime now, string? subresource = null)
    {
    }

    public static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, bool force, string apiVersion,
        TypeSchema? schema, DateTime now, string? subresource = null) =>
        Berth.ApiServer.Patch.MergePatch.Apply(live ?? new JsonObject(), System.Text.Encoding.UTF8.GetBytes(applied.ToJsonString()));
}
