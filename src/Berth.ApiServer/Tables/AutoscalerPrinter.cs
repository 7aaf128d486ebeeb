using System.Globalization;
using System.Text.Json.Nodes;

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

    private static object?[] Cells(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var target = Fields.Obj(spec, "scaleTargetRef");
        var min = Fields.Long(spec, "minReplicas");
        return
        [
            Fields.Name(obj),
            Fields.S(target, "kind") + "/" + Fields.S(target, "name"),
            Targets(spec, status),
            min is { } m ? Formats.Int(m) : "<unset>",
            Fields.L(spec, "maxReplicas"),
            Fields.L(status, "currentReplicas"),
            ctx.Age(obj),
        ];
    }

    /// <summary>kube's <c>formatHPAMetrics</c>: at most two targets, then <c>+ N more...</c>.</summary>
    public static string Targets(JsonObject? spec, JsonObject? status)
    {
        if (Fields.Arr(spec, "metrics") is not { } specs)
        {
            // autoscaling/v1 has one CPU target, which kube converts to a Resource metric.
            if (Fields.Long(spec, "targetCPUUtilizationPercentage") is not { } cpuTarget)
            {
                return Formats.None;
            }
            var current = Fields.Long(status, "currentCPUUtilizationPercentage") is { } c ? Percent(c) : Unknown;
            return "cpu: " + current + "/" + Percent(cpuTarget);
        }
        if (specs.Count == 0)
        {
            return Formats.None;
        }

        const int max = 2;
        var statuses = Fields.Arr(status, "currentMetrics");
        var list = new List<string>(specs.Count);
        for (var i = 0; i < specs.Count; i++)
        {
            var metric = specs[i] as JsonObject;
            var current = statuses is not null && i < statuses.Count ? statuses[i] as JsonObject : null;
            list.Add(Fields.S(metric, "type") switch
            {
                "External" => ValueTarget(Fields.Obj(metric, "external"), Fields.Obj(current, "external")),
                "Object" => ValueTarget(Fields.Obj(metric, "object"), Fields.Obj(current, "object")),
                "Pods" => PodsTarget(Fields.Obj(metric, "pods"), Fields.Obj(current, "pods")),
                "Resource" => ResourceTarget(Fields.Obj(metric, "resource"), Fields.Obj(current, "resource")),
                "ContainerResource" => ResourceTarget(Fields.Obj(metric, "containerResource"), Fields.Obj(current, "containerResource")),
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
    private static string ValueTarget(JsonObject? source, JsonObject? current)
    {
        var target = Fields.Obj(source, "target");
        var currentValues = Fields.Obj(current, "current");
        if (target?["averageValue"] is { } average)
        {
            var now = current is not null && currentValues?["averageValue"] is { } cur ? Formats.Quantity(cur) : Unknown;
            return now + "/" + Formats.Quantity(average) + " (avg)";
        }
        var value = current is not null ? Formats.Quantity(currentValues?["value"]) : Unknown;
        return value + "/" + Formats.Quantity(target?["value"]);
    }

    private static string PodsTarget(JsonObject? source, JsonObject? current)
    {
        var now = current is not null ? Formats.Quantity(Fields.Obj(current, "current")?["averageValue"]) : Unknown;
        return now + "/" + Formats.Quantity(Fields.Obj(source, "target")?["averageValue"]);
    }

    /// <summary>Resource and ContainerResource metrics: <c>cpu: 45%/70%</c>, or <c>memory: 100Mi/200Mi</c> for average values.</summary>
    private static string ResourceTarget(JsonObject? source, JsonObject? current)
    {
        var name = Fields.S(source, "name");
        var target = Fields.Obj(source, "target");
        var currentValues = Fields.Obj(current, "current");
        if (target?["averageValue"] is { } average)
        {
            var now = current is not null ? Formats.Quantity(currentValues?["averageValue"]) : Unknown;
            return name + ": " + now + "/" + Formats.Quantity(average);
        }
        var utilization = current is not null && Fields.Long(currentValues, "averageUtilization") is { } u ? Percent(u) : Unknown;
        var goal = Fields.Long(target, "averageUtilization") is { } t ? Percent(t) : "<auto>";
        return name + ": " + utilization + "/" + goal;
    }

    private static string Percent(long n) => n.ToString(CultureInfo.InvariantCulture) + "%";
}
