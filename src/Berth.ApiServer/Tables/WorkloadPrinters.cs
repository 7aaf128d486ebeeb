using System.Text.Json.Nodes;

namespace Berth.ApiServer.Tables;

/// <summary>
/// Deployments, ReplicaSets, StatefulSets, DaemonSets, ReplicationControllers, Jobs, CronJobs, ControllerRevisions
/// and PodTemplates, as kube's printers show them.
/// </summary>
/// <remarks>
/// Where kube decodes with API defaults applied (e.g. <c>spec.replicas</c> defaults to 1), an absent field reads as
/// that default, so an object stored without it prints what kube-apiserver would print.
/// </remarks>
internal static class WorkloadPrinters
{
    private static readonly TableColumnDefinition Containers = Columns.Wide("Containers", Columns.ContainersDescription);
    private static readonly TableColumnDefinition Images = Columns.Wide("Images", Columns.ImagesDescription);

    public static void Register(Dictionary<(string Group, string Kind), KindPrinter> printers)
    {
        printers[("apps", "Deployment")] = new(
        [
            Columns.Name,
            Columns.Str("Ready", "Number of the pod with ready state"),
            Columns.Str("Up-to-date", ColumnDescriptions.DeploymentUpdated),
            Columns.Str("Available", ColumnDescriptions.DeploymentAvailable),
            Columns.Age,
            Containers,
            Images,
            Columns.Wide("Selector", ColumnDescriptions.DeploymentSelector),
        ], Deployment);

        printers[("apps", "ReplicaSet")] = new(
        [
            Columns.Name,
            Columns.Int("Desired", ColumnDescriptions.RsSpecReplicas),
            Columns.Int("Current", ColumnDescriptions.RsStatusReplicas),
            Columns.Int("Ready", ColumnDescriptions.RsReadyReplicas),
            Columns.Age,
            Containers,
            Images,
            Columns.Wide("Selector", ColumnDescriptions.RsSelector),
        ], ReplicaSet);

        printers[("", "ReplicationController")] = new(
        [
            Columns.Name,
            Columns.Int("Desired", ColumnDescriptions.RcSpecReplicas),
            Columns.Int("Current", ColumnDescriptions.RcStatusReplicas),
            Columns.Int("Ready", ColumnDescriptions.RcReadyReplicas),
            Columns.Age,
            Containers,
            Images,
            Columns.Wide("Selector", ColumnDescriptions.RcSelector),
        ], ReplicationController);

        printers[("apps", "StatefulSet")] = new(
        [
            Columns.Name,
            Columns.Str("Ready", "Number of the pod with ready state"),
            Columns.Age,
            Containers,
            Images,
        ], StatefulSet);

        printers[("apps", "DaemonSet")] = new(
        [
            Columns.Name,
            Columns.Int("Desired", ColumnDescriptions.DsDesired),
            Columns.Int("Current", ColumnDescriptions.DsCurrent),
            Columns.Int("Ready", ColumnDescriptions.DsReady),
            Columns.Int("Up-to-date", ColumnDescriptions.DsUpdated),
            Columns.Int("Available", ColumnDescriptions.DsAvailable),
            Columns.Str("Node Selector", ColumnDescriptions.NodeSelector),
            Columns.Age,
            Containers,
            Images,
            Columns.Wide("Selector", ColumnDescriptions.DsSelector),
        ], DaemonSet);

        printers[("batch", "Job")] = new(
        [
            Columns.Name,
            Columns.Str("Status", "Status of the job."),
            Columns.Str("Completions", ColumnDescriptions.JobSucceeded),
            Columns.Str("Duration", "Time required to complete the job."),
            Columns.Age,
            Containers,
            Images,
            Columns.Wide("Selector", ColumnDescriptions.JobSelector),
        ], Job);

        printers[("batch", "CronJob")] = new(
        [
            Columns.Name,
            Columns.Str("Schedule", ColumnDescriptions.CronSchedule),
            Columns.Str("Timezone", ColumnDescriptions.CronTimeZone),
            Columns.Bool("Suspend", ColumnDescriptions.CronSuspend),
            Columns.Int("Active", ColumnDescriptions.CronActive),
            Columns.Str("Last Schedule", ColumnDescriptions.CronLastSchedule),
            Columns.Age,
            Containers,
            Images,
            Columns.Wide("Selector", ColumnDescriptions.JobSelector),
        ], CronJob);

        printers[("apps", "ControllerRevision")] = new(
        [
            Columns.Name,
            Columns.Str("Controller", "Controller of the object"),
            Columns.Str("Revision", ColumnDescriptions.Revision),
            Columns.Age,
        ], ControllerRevision);

        printers[("", "PodTemplate")] = new(
        [
            Columns.Name,
            Columns.Str("Containers", Columns.ContainersDescription),
            Columns.Str("Images", Columns.ImagesDescription),
            Columns.Str("Pod Labels", "The labels for the pod template."),
        ], PodTemplate);
    }

    private static JsonArray? TemplateContainers(JsonObject? spec) =>
        Fields.Arr(Fields.Obj(Fields.Obj(spec, "template"), "spec"), "containers");

    private static object?[] Deployment(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var (names, images) = Formats.Containers(TemplateContainers(spec));
        return
        [
            Fields.Name(obj),
            Formats.Int(Fields.L(status, "readyReplicas")) + "/" + Formats.Int(Fields.Long(spec, "replicas") ?? 1),
            Fields.L(status, "updatedReplicas"),
            Fields.L(status, "availableReplicas"),
            ctx.Age(obj),
            names,
            images,
            Formats.Selector(Fields.Obj(spec, "selector")) ?? "<invalid>",
        ];
    }

    private static object?[] ReplicaSet(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var (names, images) = Formats.Containers(TemplateContainers(spec));
        return
        [
            Fields.Name(obj),
            Fields.Long(spec, "replicas") ?? 1,
            Fields.L(status, "replicas"),
            Fields.L(status, "readyReplicas"),
            ctx.Age(obj),
            names,
            images,
            Formats.FormatLabelSelector(Fields.Obj(spec, "selector")),
        ];
    }

    private static object?[] ReplicationController(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var (names, images) = Formats.Containers(TemplateContainers(spec));
        return
        [
            Fields.Name(obj),
            Fields.Long(spec, "replicas") ?? 1,
            Fields.L(status, "replicas"),
            Fields.L(status, "readyReplicas"),
            ctx.Age(obj),
            names,
            images,
            Formats.Labels(Fields.Obj(spec, "selector")),
        ];
    }

    private static object?[] StatefulSet(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var (names, images) = Formats.Containers(TemplateContainers(spec));
        return
        [
            Fields.Name(obj),
            Formats.Int(Fields.L(Fields.Obj(obj, "status"), "readyReplicas")) + "/" + Formats.Int(Fields.Long(spec, "replicas") ?? 1),
            ctx.Age(obj),
            names,
            images,
        ];
    }

    private static object?[] DaemonSet(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var podSpec = Fields.Obj(Fields.Obj(spec, "template"), "spec");
        var (names, images) = Formats.Containers(Fields.Arr(podSpec, "containers"));
        return
        [
            Fields.Name(obj),
            Fields.L(status, "desiredNumberScheduled"),
            Fields.L(status, "currentNumberScheduled"),
            Fields.L(status, "numberReady"),
            Fields.L(status, "updatedNumberScheduled"),
            Fields.L(status, "numberAvailable"),
            Formats.Labels(Fields.Obj(podSpec, "nodeSelector")),
            ctx.Age(obj),
            names,
            images,
            Formats.FormatLabelSelector(Fields.Obj(spec, "selector")),
        ];
    }

    private static object?[] Job(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var succeeded = Formats.Int(Fields.L(status, "succeeded"));

        string completions;
        if (Fields.Long(spec, "completions") is { } want)
        {
            completions = succeeded + "/" + Formats.Int(want);
        }
        else
        {
            var parallelism = Fields.Long(spec, "parallelism") ?? 1;
            completions = parallelism > 1 ? succeeded + "/1 of " + Formats.Int(parallelism) : succeeded + "/1";
        }

        var start = Fields.Time(status, "startTime");
        var end = Fields.Time(status, "completionTime");
        var duration = start is null ? "" : HumanDuration.Format((end ?? ctx.Now) - start.Value);

        var conditions = Fields.Arr(status, "conditions");
        string jobStatus;
        if (HasCondition(conditions, "Complete"))
        {
            jobStatus = "Complete";
        }
        else if (HasCondition(conditions, "Failed"))
        {
            jobStatus = "Failed";
        }
        else if (Fields.Str(Fields.Obj(obj, "metadata"), "deletionTimestamp") is not null)
        {
            jobStatus = "Terminating";
        }
        else if (HasCondition(conditions, "Suspended"))
        {
            jobStatus = "Suspended";
        }
        else if (HasCondition(conditions, "FailureTarget"))
        {
            jobStatus = "FailureTarget";
        }
        else
        {
            jobStatus = "Running";
        }

        var (names, images) = Formats.Containers(TemplateContainers(spec));
        return
        [
            Fields.Name(obj),
            jobStatus,
            completions,
            duration,
            ctx.Age(obj),
            names,
            images,
            Formats.FormatLabelSelector(Fields.Obj(spec, "selector")),
        ];
    }

    /// <summary>kube's <c>hasJobCondition</c>: the first condition of the type decides.</summary>
    private static bool HasCondition(JsonArray? conditions, string type)
    {
        if (conditions is null)
        {
            return false;
        }
        foreach (var c in conditions)
        {
            if (c is JsonObject cond && Fields.Str(cond, "type") == type)
            {
                return Fields.Str(cond, "status") == "True";
            }
        }
        return false;
    }

    private static object?[] CronJob(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var jobSpec = Fields.Obj(Fields.Obj(spec, "jobTemplate"), "spec");
        var (names, images) = Formats.Containers(TemplateContainers(jobSpec));
        var lastSchedule = Fields.Time(status, "lastScheduleTime") is { } t ? ctx.Since(t) : Formats.None;
        return
        [
            Fields.Name(obj),
            Fields.S(spec, "schedule"),
            Fields.Str(spec, "timeZone") ?? Formats.None,
            // The column says boolean but kube prints a string here (printBoolPtr); suspend defaults to false.
            Formats.Bool(Fields.Bool(spec, "suspend") ?? false),
            (long)Fields.Count(status, "active"),
            lastSchedule,
            ctx.Age(obj),
            names,
            images,
            Formats.FormatLabelSelector(Fields.Obj(jobSpec, "selector")),
        ];
    }

    private static object?[] ControllerRevision(JsonObject obj, PrintContext ctx)
    {
        var controller = Formats.None;
        if (Fields.Arr(Fields.Obj(obj, "metadata"), "ownerReferences") is { } owners)
        {
            foreach (var o in owners)
            {
                if (o is JsonObject owner && Fields.Bool(owner, "controller") == true)
                {
                    var apiVersion = Fields.S(owner, "apiVersion");
                    var slash = apiVersion.IndexOf('/');
                    var group = slash < 0 ? "" : apiVersion[..slash];
                    var kind = Fields.S(owner, "kind");
                    var name = Fields.S(owner, "name");
                    // formatResourceName: lower-cased GroupKind ("daemonset.apps") then "/name".
                    controller = kind.Length == 0 && group.Length == 0
                        ? name
                        : (group.Length == 0 ? kind : kind + "." + group).ToLowerInvariant() + "/" + name;
                    break;
                }
            }
        }
        return [Fields.Name(obj), controller, Fields.L(obj, "revision"), ctx.Age(obj)];
    }

    private static object?[] PodTemplate(JsonObject obj, PrintContext ctx)
    {
        var template = Fields.Obj(obj, "template");
        var (names, images) = Formats.Containers(Fields.Arr(Fields.Obj(template, "spec"), "containers"));
        return [Fields.Name(obj), names, images, Formats.Labels(Fields.Obj(Fields.Obj(template, "metadata"), "labels"))];
    }
}
