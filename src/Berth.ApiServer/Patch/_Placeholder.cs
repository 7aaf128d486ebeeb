// Temporary until the patch helper's branch lands: minimal RFC 7386 behaviour only.
using System.Text.Json.Nodes;
using Berth.Api.Schema;
using Berth.ApiServer.Registry;

namespace Berth.ApiServer.Patch;

public static class MergePatch
{
    public static JsonObject Apply(JsonObject original, ReadOnlySpan<byte> patchJson) =>
        (JsonObject)Merge(original, BodyDecoder.DecodeJsonObject(patchJson))!;

    internal static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject po)
        {
            return patch?.DeepClone();
        }
        var t = target as JsonObject ?? new JsonObject();
        foreach (var (k, v) in po)
        {
            if (v is null)
            {
                t.Remove(k);
            }
            else
            {
                var merged = Merge(t[k], v);
                t.Remove(k);
                t[k] = merged;
            }
        }
        return t;
    }
}

public static class JsonPatch
{
    public static JsonObject Apply(JsonObject original, ReadOnlySpan<byte> patchJson) =>
        throw Berth.Api.Errors.StatusException.UnsupportedMediaType("application/json-patch+json");
}

public static class StrategicMergePatch
{
    public static JsonObject Apply(JsonObject original, JsonObject patch, TypeSchema schema) =>
        (JsonObject)MergePatch.Merge(original, patch)!;
}
