using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Berth.Api.Json;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.StatefulSets;

/// <summary>
/// StatefulSet identity and storage rules (kube's stateful_set_utils): pods are named
/// &lt;set&gt;-&lt;ordinal&gt;, carry the pod-name and pod-index labels, a hostname and the governing service as
/// subdomain; claims are &lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;.
/// </summary>
public static partial class StatefulSetUtil
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    [GeneratedRegex("^(.*)-([0-9]+)$")]
    private static partial Regex OrdinalPattern();

    /// <summary>The parent name and ordinal of a pod name; ordinal −1 when it has none.</summary>
    public static (string Parent, int Ordinal) ParentAndOrdinal(string name)
    {
        var m = OrdinalPattern().Match(name);
        if (!m.Success || !int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
        {
            return ("", -1);
        }
        return (m.Groups[1].Value, ordinal);
    }

    public static int Ordinal(V1Pod pod) => ParentAndOrdinal(pod.Metadata.Name).Ordinal;

    /// <summary>The pod belongs to the set by name (isMemberOf).</summary>
    public static bool IsMemberOf(V1StatefulSet set, V1Pod pod) => ParentAndOrdinal(pod.Metadata.Name).Parent == set.Metadata.Name;

    public static string PodName(V1StatefulSet set, int ordinal) => $"{set.Metadata.Name}-{ordinal}";

    public static string ClaimName(V1StatefulSet set, V1PersistentVolumeClaim template, int ordinal) =>
        $"{template.Metadata.Name}-{set.Metadata.Name}-{ordinal}";

    /// <summary>The first ordinal (spec.ordinals.start, else 0).</summary>
    public static int StartOrdinal(V1StatefulSet set) => set.Spec.Ordinals?.Start ?? 0;

    public static int Replicas(V1StatefulSet set) => set.Spec.Replicas ?? 1;

    public static bool InRange(V1StatefulSet set, int ordinal) => ordinal >= StartOrdinal(set) && ordinal < StartOrdinal(set) + Replicas(set);

    /// <summary>Parallel pod management: no waiting for predecessors (allowsBurst).</summary>
    public static bool AllowsBurst(V1StatefulSet set) => set.Spec.PodManagementPolicy == "Parallel";

    public static string? Revision(V1Pod pod) =>
        pod.Metadata.Labels is { } l && l.TryGetValue(TemplateHash.ControllerRevisionHashLabel, out var r) ? r : null;

    public static bool IsCreated(V1Pod pod) => !string.IsNullOrEmpty(pod.Status?.Phase);

    public static bool IsRunningAndReady(V1Pod pod) => PodUtil.Phase(pod) == PodUtil.Running && PodUtil.IsReady(pod);

    public static bool IsRunningAndAvailable(V1Pod pod, int minReadySeconds, DateTime now) =>
        PodUtil.Phase(pod) == PodUtil.Running && PodUtil.IsAvailable(pod, minReadySeconds, now);

    public static bool IsHealthy(V1Pod pod) => IsRunningAndReady(pod) && !PodUtil.IsTerminating(pod);

    /// <summary>The claims the set's templates give the pod of <paramref name="ordinal"/>, labelled with the set's selector labels.</summary>
    public static List<V1PersistentVolumeClaim> Claims(V1StatefulSet set, int ordinal)
    {
        var claims = new List<V1PersistentVolumeClaim>();
        foreach (var template in set.Spec.VolumeClaimTemplates ?? [])
        {
            var claim = KubeObjects.Clone(template);
            claim.ApiVersion = "v1";
            claim.Kind = "PersistentVolumeClaim";
            claim.Status = null;
            claim.Metadata.Name = ClaimName(set, template, ordinal);
            claim.Metadata.NamespaceProperty = set.Metadata.NamespaceProperty;
            var labels = new Dictionary<string, string>(claim.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var (k, v) in set.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>())
            {
                labels[k] = v;
            }
            claim.Metadata.Labels = labels;
            claims.Add(claim);
        }
        return claims;
    }

    /// <summary>Name, labels, hostname and subdomain as the ordinal requires (identityMatches).</summary>
    public static bool IdentityMatches(V1StatefulSet set, V1Pod pod)
    {
        var (parent, ordinal) = ParentAndOrdinal(pod.Metadata.Name);
        return ordinal >= 0 && parent == set.Metadata.Name && pod.Metadata.Name == PodName(set, ordinal)
            && pod.Metadata.NamespaceProperty == set.Metadata.NamespaceProperty
            && pod.Metadata.Labels?.TryGetValue(PodNameLabel, out var n) == true && n == pod.Metadata.Name
            && pod.Metadata.Labels.TryGetValue(PodIndexLabel, out var i) && i == ordinal.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Every claim template is mounted from the ordinal's claim (storageMatches).</summary>
    public static bool StorageMatches(V1StatefulSet set, V1Pod pod)
    {
        var ordinal = Ordinal(pod);
        if (ordinal < 0)
        {
            return false;
        }
        var volumes = (pod.Spec?.Volumes ?? []).ToDictionary(v => v.Name, StringComparer.Ordinal);
        foreach (var template in set.Spec.VolumeClaimTemplates ?? [])
        {
            if (!volumes.TryGetValue(template.Metadata.Name, out var v) || v.PersistentVolumeClaim?.ClaimName != ClaimName(set, template, ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Sets the pod's identity (updateIdentity).</summary>
    public static void UpdateIdentity(V1StatefulSet set, V1Pod pod)
    {
        var ordinal = Ordinal(pod);
        pod.Metadata.Name = PodName(set, ordinal);
        pod.Metadata.NamespaceProperty = set.Metadata.NamespaceProperty;
        pod.Metadata.Labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
        pod.Metadata.Labels[PodNameLabel] = pod.Metadata.Name;
        pod.Metadata.Labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Points each claim template's volume at the ordinal's claim (updateStorage).</summary>
    public static void UpdateStorage(V1StatefulSet set, V1Pod pod)
    {
        var ordinal = Ordinal(pod);
        var templates = set.Spec.VolumeClaimTemplates ?? [];
        if (templates.Count == 0)
        {
            return;
        }
        var names = templates.Select(t => t.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var volumes = (pod.Spec.Volumes ?? []).Where(v => !names.Contains(v.Name)).ToList();
        foreach (var template in templates)
        {
            volumes.Add(new V1Volume
            {
                Name = template.Metadata.Name,
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(set, template, ordinal) },
            });
        }
        pod.Spec.Volumes = volumes;
    }

    /// <summary>The pod of <paramref name="ordinal"/> for the set's template (newStatefulSetPod).</summary>
    public static V1Pod NewPod(V1StatefulSet set, int ordinal, string apiVersion, string kind)
    {
        var pod = PodControl.PodFromTemplate(set.Spec.Template, set.Metadata.Name, KubeObjects.NewControllerRef(set.Metadata, apiVersion, kind));
        pod.Metadata.GenerateName = null;
        pod.Metadata.Name = PodName(set, ordinal);
        UpdateIdentity(set, pod);
        pod.Spec.Hostname = pod.Metadata.Name;
        if (!string.IsNullOrEmpty(set.Spec.ServiceName))
        {
            pod.Spec.Subdomain = set.Spec.ServiceName;
        }
        UpdateStorage(set, pod);
        return pod;
    }

    /// <summary>
    /// A pod at the current revision below the partition (or below the current replicas without a
    /// rolling-update block), at the update revision otherwise (newVersionedStatefulSetPod).
    /// </summary>
    public static V1Pod NewVersionedPod(V1StatefulSet currentSet, V1StatefulSet updateSet, string currentRevision, string updateRevision, int ordinal,
        string apiVersion, string kind)
    {
        var strategy = currentSet.Spec.UpdateStrategy;
        var isRolling = (strategy?.Type ?? "RollingUpdate") == "RollingUpdate";
        var useCurrent = (isRolling && strategy?.RollingUpdate is null && ordinal < (currentSet.Status?.CurrentReplicas ?? 0))
            || (strategy?.RollingUpdate is not null && ordinal < (strategy.RollingUpdate.Partition ?? 0));
        var pod = NewPod(useCurrent ? currentSet : updateSet, ordinal, apiVersion, kind);
        pod.Metadata.Labels![TemplateHash.ControllerRevisionHashLabel] = useCurrent ? currentRevision : updateRevision;
        return pod;
    }

    /// <summary>The revision data of a set: its template to be replaced wholesale (getPatch).</summary>
    public static JsonNode Patch(V1StatefulSet set)
    {
        var template = KubeJson.ToNode(set.Spec.Template);
        template["$patch"] = "replace";
        return new JsonObject { ["spec"] = new JsonObject { ["template"] = template } };
    }

    /// <summary>The set with the template a revision recorded (ApplyRevision).</summary>
    public static V1StatefulSet ApplyRevision(V1StatefulSet set, V1ControllerRevision revision)
    {
        var clone = KubeObjects.Clone(set);
        if (ControllerHistory.Data(revision)?["spec"]?["template"] is JsonObject template)
        {
            var copy = (JsonObject)template.DeepClone();
            copy.Remove("$patch");
            clone.Spec.Template = KubeJson.Deserialize<V1PodTemplateSpec>(copy);
        }
        return clone;
    }
}
