using System.Collections.Frozen;
using System.Text.Json;

namespace Berth.ApiServer.Registry;

/// <summary>
/// The fields each resource supports in field selectors beyond metadata.name and metadata.namespace,
/// as kube-apiserver's per-resource GetAttrs functions expose them.
/// </summary>
public static class SelectableFields
{
    private static readonly FrozenDictionary<string, string[]> ByStorageResource = new Dictionary<string, string[]>
    {
        ["pods"] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
        ["events"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type"],
        ["events.events.k8s.io"] = ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
            "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController", "type"],
        ["secrets"] = ["type"],
        ["nodes"] = ["spec.unschedulable"],
        ["namespaces"] = ["status.phase"],
        ["replicasets.apps"] = ["status.replicas"],
        ["replicationcontrollers"] = ["status.replicas"],
        ["jobs.batch"] = ["status.successful"],
        ["services"] = ["spec.clusterIP", "spec.type"],
        ["certificatesigningrequests.certificates.k8s.io"] = ["spec.signerName"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The extra selectable fields of a resource (may be empty).</summary>
    public static IReadOnlyList<string> For(string storageResource) =>
        ByStorageResource.TryGetValue(storageResource, out var f) ? f : [];

    /// <summary>Whether <paramref name="field"/> may be used in a selector on this resource.</summary>
    public static bool Supports(string storageResource, string field) =>
        field is "metadata.name" or "metadata.namespace" || For(storageResource).Contains(field);

    /// <summary>Extracts the selectable field values from an object's JSON; null when the resource has none.</summary>
    public static Dictionary<string, string>? Extract(string storageResource, JsonElement root)
    {
        var fields = For(storageResource);
        if (fields.Count == 0)
        {
            return null;
        }
        var result = new Dictionary<string, string>(fields.Count, StringComparer.Ordinal);
        foreach (var f in fields)
        {
            var el = root;
            var found = true;
            foreach (var part in f.Split('.'))
            {
                if (el.ValueKind != JsonValueKind.Object || !el.TryGetProperty(part, out el))
                {
                    found = false;
                    break;
                }
            }
            if (!found)
            {
                // Absent booleans select as "false" (spec.unschedulable, spec.hostNetwork), as in kube.
                if (f is "spec.unschedulable" or "spec.hostNetwork")
                {
                    result[f] = "false";
                }
                continue;
            }
            result[f] = el.ValueKind switch
            {
                JsonValueKind.String => el.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Number => el.GetRawText(),
                _ => "",
            };
        }
        return result;
    }
}
