using System.Globalization;

namespace Berth.ApiServer.Tables;

/// <summary>
/// HorizontalPodAutoscalers as kube's <c>printHorizontalPodAutoscaler</c> shows them, with TARGETS such as
/// <c>cpu: 45%/70%, memory: &lt;unknown&gt;/80%</c>. Reads autoscaling/v2 (<c>spec.metrics</c>) and autoscaling/v1
/// (<c>targetCPUUtilizationPercentage</c>) objects.
/// </summary>
internal static class AutoscalerPrinter
{
    private const string Unknown = "<unknown>";

    public static void Register(Dictionary<(string Group, string Kind), KindPrinter> printers)
    {
        printers[("autoscaling", "HorizontalPodAutoscaler")] = new(
        [
            Columns.Name,
            Columns.Str("Reference", ColumnDescriptions.HpaScaleTargetRef),
            Columns.Str("Targets", ColumnDescriptions.HpaMetrics),
            Columns.Str("MinPods", ColumnDescriptions.HpaMinReplicas),
            Columns.Str("MaxPods", ColumnDescriptions.HpaMaxReplicas),
            Columns.Str("Replicas", ColumnDescriptions.HpaCurrentReplicas),
            Columns.Age,
        ], Cells);
    }

    private static object?[] Cells(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var status = obj["status"];
        var target = spec["scaleTargetRef"];
        return
        [
            PrintContext.Name(obj),
            target["kind"].S + "/" + target["name"].S,
            Targets(spec, status),
            spec["minReplicas"].Long is { } m ? Formats.Int(m) : "<unset>",
            spec["maxReplicas"].L,
            status["currentReplicas"].L,
            ctx.Age(obj),
        ];
    }

    /// <summary>kube's <c>formatHPAMetrics</c>: at most two targets, then <c>+ N more...</c>.</summary>
    public static string Targets(JsonView spec, JsonView status)
    {
        var specs = spec["metrics"];
        if (!specs.IsArray)
        {
            // autoscaling/v1 has one CPU target, which kube converts to a Resource metric.
            if (spec["targetCPUUtilizationPercentage"].Long is not { } cpuTarget)
            {
                return Formats.None;
            }
            var current = status["currentCPUUtilizationPercentage"].Long is { } c ? Percent(c) : Unknown;
            return "cpu: " + current + "/" + Percent(cpuTarget);
        }
        if (specs.Length == 0)
        {
            return Formats.None;
        }

        const int max = 2;
        var statuses = status["currentMetrics"];
        var list = new List<string>(specs.Length);
        for (var i = 0; i < specs.Length; i++)
        {
            var metric = specs[i];
            var current = statuses[i];
            list.Add(metric["type"].S switch
            {
                "External" => ValueTarget(metric["external"], current["external"]),
                "Object" => ValueTarget(metric["object"], current["object"]),
                "Pods" => PodsTarget(metric["pods"], current["pods"]),
                "Resource" => ResourceTarget(metric["resource"], current["resource"]),
                "ContainerResource" => ResourceTarget(metric["containerResource"], current["containerResource"]),
                _ => "<unknown type>",
            });
        }

        if (list.Count > max)
        {
            var more = list.Count - max;
            return string.Join(", ", list.Take(max)) + " + " + more.ToString(CultureInfo.InvariantCulture) + " more...";
        }
        return string.Join(", ", list);
    }

    /// <summary>External and Object metrics: <c>current/target (avg)</c> for average values, else <c>current/target</c>.</summary>
    private static string ValueTarget(JsonView source, JsonView current)
    {
        var target = source["target"];
        var now = current["current"];
        if (target["averageValue"].Exists)
        {
            var value = current.Exists && now["averageValue"].Exists ? Formats.Quantity(now["averageValue"]) : Unknown;
            return value + "/" + Formats.Quantity(target["averageValue"]) + " (avg)";
        }
        return (current.Exists ? Formats.Quantity(now["value"]) : Unknown) + "/" + Formats.Quantity(target["value"]);
    }

    private static string PodsTarget(JsonView source, JsonView current)
    {
        var now = current.Exists ? Formats.Quantity(current["current"]["averageValue"]) : Unknown;
        return now + "/" + Formats.Quantity(source["target"]["averageValue"]);
    }

    /// <summary>Resource and ContainerResource metrics: <c>cpu: 45%/70%</c>, or <c>memory: 100Mi/200Mi</c> for average values.</summary>
    private static string ResourceTarget(JsonView source, JsonView current)
    {
        var name = source["name"].S;
        var target = source["target"];
        var now = current["current"];
        if (target["averageValue"].Exists)
        {
            var value = current.Exists ? Formats.Quantity(now["averageValue"]) : Unknown;
            return name + ": " + value + "/" + Formats.Quantity(target["averageValue"]);
        }
        var utilization = current.Exists && now["averageUtilization"].Long is { } u ? Percent(u) : Unknown;
        var goal = target["averageUtilization"].Long is { } t ? Percent(t) : "<auto>";
        return name + ": " + utilization + "/" + goal;
    }

    private static string Percent(long n) => n.ToString(CultureInfo.InvariantCulture) + "%";
}
