using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// The client-side-apply upgrade path (kube's <c>lastAppliedManager</c> and <c>lastAppliedUpdater</c>): when
/// <c>kubectl apply --server-side</c> (manager "kubectl") meets fields that client-side apply recorded in
/// <c>kubectl.kubernetes.io/last-applied-configuration</c>, those conflicts are forced, and the annotation
/// is kept in step with what was applied.
/// </summary>
internal static class LastApplied
{
    public const string Annotation = "kubectl.kubernetes.io/last-applied-configuration";
    public const string KubectlManager = "kubectl";

    // apimachinery's TotalAnnotationSizeLimitB.
    private const int TotalAnnotationSizeLimit = 256 * 1024;

    public static string? Get(JsonObject obj) =>
        obj["metadata"] is JsonObject m && m["annotations"] is JsonObject a && a[Annotation] is JsonValue v
        && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;

    /// <summary>Fields of the last-applied configuration whose values the live object still has; null when there is none.</summary>
    public static FieldSet? AllowedConflicts(JsonObject live, string apiVersion, ISchemaNode schema)
    {
        if (Get(live) is not { } text)
        {
            return null;
        }
        try
        {
            if (JsonNode.Parse(text) is not JsonObject lastApplied
                || lastApplied["apiVersion"] is not JsonValue av || av.GetValueKind() != JsonValueKind.String
                || av.GetValue<string>() != apiVersion)
            {
                return null;
            }
            var set = ToFieldSet.Of(lastApplied, schema);
            var cmp = Comparison.Of(lastApplied, live, schema);
            return set.Difference(cmp.Modified).Difference(cmp.Added).Difference(cmp.Removed);
        }
        catch (Exception e) when (e is JsonException or SchemaValueException)
        {
            return null;
        }
    }

    /// <summary>Rewrites the annotation on <paramref name="result"/> from <paramref name="applied"/>, if it has one.</summary>
    public static void Sync(JsonObject result, JsonObject applied)
    {
        if (Get(result) is null || result["metadata"]?["annotations"] is not JsonObject annotations)
        {
            return;
        }
        var copy = (JsonObject)applied.DeepClone();
        if (copy["metadata"] is JsonObject m && m["annotations"] is JsonObject a)
        {
            a.Remove(Annotation);
        }
        // runtime.Encode of an unstructured object: Go's json.Encoder, sorted keys, trailing newline.
        annotations[Annotation] = GoJson.Serialize(copy) + "\n";
        var total = 0;
        foreach (var (k, v) in annotations)
        {
            total += Encoding.UTF8.GetByteCount(k) + (v is JsonValue s && s.GetValueKind() == JsonValueKind.String ? Encoding.UTF8.GetByteCount(s.GetValue<string>()) : 0);
        }
        if (total > TotalAnnotationSizeLimit)
        {
            annotations.Remove(Annotation);
        }
    }
}
