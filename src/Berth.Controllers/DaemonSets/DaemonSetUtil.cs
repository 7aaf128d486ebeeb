using System.Globalization;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.DaemonSets;

/// <summary>DaemonSet pod shaping and node eligibility (kube's daemon util).</summary>
public static class DaemonSetUtil
{
    /// <summary>The DaemonSet's template generation annotation (apps/v1 keeps it there).</summary>
    public const string TemplateGenerationAnnotation = "deprecated.daemonset.template.generation";

    /// <summary>The pod label that records the template generation a pod was made from.</summary>
    public const string TemplateGenerationLabel = "pod-template-generation";

    /// <summary>The tolerations every DaemonSet pod gets, so node conditions do not evict or block it.</summary>
    public static IEnumerable<V1Toleration> StandardTolerations(bool hostNetwork)
    {
        yield return new V1Toleration { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute" };
        yield return new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute" };
        yield return new V1Toleration { Key = "node.kubernetes.io/disk-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" };
        yield return new V1Toleration { Key = "node.kubernetes.io/memory-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" };
        yield return new V1Toleration { Key = "node.kubernetes.io/pid-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" };
        yield return new V1Toleration { Key = "node.kubernetes.io/unschedulable", OperatorProperty = "Exists", Effect = "NoSchedule" };
        if (hostNetwork)
        {
            yield return new V1Toleration { Key = "node.kubernetes.io/network-unavailable", OperatorProperty = "Exists", Effect = "NoSchedule" };
        }
    }

    /// <summary>Adds the standard tolerations, replacing any with the same key and effect (AddOrUpdateDaemonPodTolerations).</summary>
    public static void AddDaemonTolerations(V1PodSpec spec)
    {
        var list = spec.Tolerations?.ToList() ?? [];
        foreach (var t in StandardTolerations(spec.HostNetwork == true))
        {
            list.RemoveAll(x => x.Key == t.Key && x.Effect == t.Effect);
            list.Add(t);
        }
        spec.Tolerations = list;
    }

    /// <summary>The template generation annotation, or null.</summary>
    public static long? TemplateGeneration(V1DaemonSet ds) =>
        ds.Metadata.Annotations is { } a && a.TryGetValue(TemplateGenerationAnnotation, out var v)
            && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : null;

    /// <summary>The template pods are created from: standard tolerations, generation and hash labels (CreatePodTemplate).</summary>
    public static V1PodTemplateSpec PodTemplate(V1DaemonSet ds, string hash)
    {
        var template = KubeObjects.Clone(ds.Spec.Template);
        AddDaemonTolerations(template.Spec);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (TemplateGeneration(ds) is long g)
        {
            template.Metadata.Labels[TemplateGenerationLabel] = g.ToString(CultureInfo.InvariantCulture);
        }
        if (hash.Length > 0)
        {
            template.Metadata.Labels[TemplateHash.ControllerRevisionHashLabel] = hash;
        }
        return template;
    }

    /// <summary>
    /// Requires the pod onto one node by a required node-affinity term on metadata.name, replacing any
    /// such field requirement, so the scheduler binds it there (ReplaceDaemonSetPodNodeNameNodeAffinity).
    /// </summary>
    public static V1Affinity ReplaceNodeNameAffinity(V1Affinity? affinity, string nodeName)
    {
        var requirement = new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [nodeName] };
        affinity ??= new V1Affinity();
        affinity.NodeAffinity ??= new V1NodeAffinity();
        var selector = affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution;
        if (selector?.NodeSelectorTerms is not { Count: > 0 } terms)
        {
            affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
            {
                NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = [requirement] }],
            };
            return affinity;
        }
        foreach (var term in terms)
        {
            term.MatchFields = [requirement];
        }
        return affinity;
    }

    /// <summary>The node an unscheduled DaemonSet pod is meant for (GetTargetNodeName).</summary>
    public static string? TargetNodeName(V1Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            return pod.Spec.NodeName;
        }
        var terms = pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        foreach (var term in terms ?? [])
        {
            foreach (var f in term.MatchFields ?? [])
            {
                if (f.Key == "metadata.name" && f.OperatorProperty == "In" && f.Values is [var name])
                {
                    return name;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Whether a daemon pod should be placed on the node, and whether one already there may keep running
    /// (NodeShouldRunDaemonPod): NoSchedule taints stop new pods, only NoExecute ones evict.
    /// </summary>
    public static (bool ShouldRun, bool ShouldContinueRunning) NodeShouldRunDaemonPod(V1Node node, V1DaemonSet ds)
    {
        var spec = KubeObjects.Clone(ds.Spec.Template.Spec);
        AddDaemonTolerations(spec);
        if (!string.IsNullOrEmpty(spec.NodeName) && spec.NodeName != node.Metadata.Name)
        {
            return (false, false);
        }
        if (!NodePredicates.FitsNodeAffinity(spec, node))
        {
            return (false, false);
        }
        var taints = node.Spec?.Taints;
        if (NodePredicates.UntoleratedTaint(taints, spec.Tolerations, t => t.Effect is "NoExecute" or "NoSchedule") is not null)
        {
            var evicting = NodePredicates.UntoleratedTaint(taints, spec.Tolerations, t => t.Effect == "NoExecute");
            return (false, evicting is null);
        }
        return (true, true);
    }

    /// <summary>The pod was made from the current template: hash or generation label matches (IsPodUpdated).</summary>
    public static bool IsPodUpdated(V1Pod pod, string hash, long? generation)
    {
        var labels = pod.Metadata.Labels;
        var templateMatches = generation is long g && labels?.TryGetValue(TemplateGenerationLabel, out var pg) == true
            && pg == g.ToString(CultureInfo.InvariantCulture);
        var hashMatches = hash.Length > 0 && labels?.TryGetValue(TemplateHash.ControllerRevisionHashLabel, out var ph) == true && ph == hash;
        return hashMatches || templateMatches;
    }

    /// <summary>Oldest first; among equals, Running before not running, then by name (podByCreationTimestampAndPhase).</summary>
    public static int ByCreationAndPhase(V1Pod a, V1Pod b)
    {
        var c = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        if (c != 0)
        {
            return c;
        }
        var ra = PodUtil.Phase(a) == PodUtil.Running;
        var rb = PodUtil.Phase(b) == PodUtil.Running;
        if (ra != rb)
        {
            return ra ? -1 : 1;
        }
        return string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    }

    /// <summary>The rolling update may surge: maxSurge resolves above zero for one node (AllowsSurge).</summary>
    public static bool AllowsSurge(V1DaemonSet ds) =>
        ds.Spec.UpdateStrategy?.Type == "RollingUpdate"
        && IntOrPercent.Scaled(ds.Spec.UpdateStrategy.RollingUpdate?.MaxSurge, 1, roundUp: true) > 0;

    /// <summary>
    /// maxSurge and maxUnavailable against the desired number of nodes, both rounded up; both 0 means one
    /// unavailable (updatedDesiredNodeCounts' unavailableCount/surgeCount).
    /// </summary>
    public static (int Surge, int Unavailable) SurgeAndUnavailable(V1DaemonSet ds, int desired)
    {
        if (ds.Spec.UpdateStrategy?.Type != "RollingUpdate")
        {
            return (0, 0);
        }
        var ru = ds.Spec.UpdateStrategy.RollingUpdate;
        var surge = IntOrPercent.Scaled(ru?.MaxSurge, desired, roundUp: true);
        var unavailable = IntOrPercent.Scaled(ru?.MaxUnavailable, desired, roundUp: true, fallback: 1);
        if (desired > 0 && surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }
        return (surge, unavailable);
    }
}
