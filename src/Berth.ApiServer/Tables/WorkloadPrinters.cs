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

    private static JsonView TemplateContainers(JsonView spec) => spec["template"]["spec"]["containers"];

    private static object?[] Deployment(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var status = obj["status"];
        var (names, images) = Formats.Containers(TemplateContainers(spec));
        return
        [
            PrintContext.Name(obj),
            Formats.Int(status["readyReplicas"].L) + "/" + Formats.Int(spec["replicas"].Long ?? 1),
            status["updatedReplicas"].L,
            status["availableReplicas"].L,
            ctx.Age(obj),
            names,
            images,
            Formats.Selector(spec["selector"]) ?? "<invalid>",
        ];
    }

    private static object?[] ReplicaSet(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var status = obj["status"];
        var (names, images) = Formats.Containers(TemplateContainers(spec));
        return
        [
            PrintContext.Name(obj),
            spec["replicas"].Long ?? 1,
            status["replicas"].L,
            status["readyReplicas"].L,
            ctx.Age(obj),
            names,
            images,
            Formats.FormatLabelSelector(spec["selector"]),
        ];
    }

    private static object?[] ReplicationController(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var status = obj["status"];
        var (names, images) = Formats.Containers(TemplateContainers(spec));
        return
        [
            PrintContext.Name(obj),
            spec["replicas"].Long ?? 1,
            status["replicas"].L,
            status["readyReplicas"].L,
            ctx.Age(obj),
            names,
            images,
            Formats.Labels(spec["selector"]),
        ];
    }

    private static object?[] StatefulSet(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var (names, images) = Formats.Containers(TemplateContainers(spec));
        return
        [
            PrintContext.Name(obj),
            Formats.Int(obj["status"]["readyReplicas"].L) + "/" + Formats.Int(spec["replicas"].Long ?? 1),
            ctx.Age(obj),
            names,
            images,
        ];
    }

    private static object?[] DaemonSet(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var status = obj["status"];
        var podSpec = spec["template"]["spec"];
        var (names, images) = Formats.Containers(podSpec["containers"]);
        return
        [
            PrintContext.Name(obj),
            status["desiredNumberScheduled"].L,
            status["currentNumberScheduled"].L,
            status["numberReady"].L,
            status["updatedNumberScheduled"].L,
            status["numberAvailable"].L,
            Formats.Labels(podSpec["nodeSelector"]),
            ctx.Age(obj),
            names,
            images,
            Formats.FormatLabelSelector(spec["selector"]),
        ];
    }

    private static object?[] Job(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var status = obj["status"];
        var succeeded = Formats.Int(status["succeeded"].L);

        string completions;
        if (spec["completions"].Long is { } want)
        {
            completions = succeeded + "/" + Formats.Int(want);
        }
        else
        {
            var parallelism = spec["parallelism"].Long ?? 1;
            completions = parallelism > 1 ? succeeded + "/1 of " + Formats.Int(parallelism) : succeeded + "/1";
        }

        var start = status["startTime"].Time;
        var end = status["completionTime"].Time;
        var duration = start is null ? "" : HumanDuration.Format((end ?? ctx.Now) - start.Value);

        var conditions = status["conditions"];
        string jobStatus;
        if (HasCondition(conditions, "Complete"))
        {
            jobStatus = "Complete";
        }
        else if (HasCondition(conditions, "Failed"))
        {
            jobStatus = "Failed";
        }
        else if (obj["metadata"]["deletionTimestamp"].Exists)
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
            PrintContext.Name(obj),
            jobStatus,
            completions,
            duration,
            ctx.Age(obj),
            names,
            images,
            Formats.FormatLabelSelector(spec["selector"]),
        ];
    }

    /// <summary>kube's <c>hasJobCondition</c>: the first condition of the type decides.</summary>
    private static bool HasCondition(JsonView conditions, string type)
    {
        for (var i = 0; i < conditions.Length && conditions.IsArray; i++)
        {
            var cond = conditions[i];
            if (cond["type"].Is(type))
            {
                return cond["status"].Is("True");
            }
        }
        return false;
    }

    private static object?[] CronJob(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var status = obj["status"];
        var jobSpec = spec["jobTemplate"]["spec"];
        var (names, images) = Formats.Containers(TemplateContainers(jobSpec));
        var lastSchedule = status["lastScheduleTime"].Time is { } t ? ctx.Since(t) : Formats.None;
        var active = status["active"];
        return
        [
            PrintContext.Name(obj),
            spec["schedule"].S,
            spec["timeZone"].Str ?? Formats.None,
            // The column says boolean but kube prints a string here (printBoolPtr); suspend defaults to false.
            Formats.Bool(spec["suspend"].Bool ?? false),
            active.IsArray ? (long)active.Length : 0L,
            lastSchedule,
            ctx.Age(obj),
            names,
            images,
            Formats.FormatLabelSelector(jobSpec["selector"]),
        ];
    }

    private static object?[] ControllerRevision(JsonView obj, PrintContext ctx)
    {
        var controller = Formats.None;
        foreach (var owner in Formats.Items(obj["metadata"]["ownerReferences"]))
        {
            if (owner["controller"].Bool == true)
            {
                var apiVersion = owner["apiVersion"].S;
                var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
                var group = slash < 0 ? "" : apiVersion[..slash];
                var kind = owner["kind"].S;
                var name = owner["name"].S;
                // formatResourceName: lower-cased GroupKind ("daemonset.apps") then "/name".
                controller = kind.Length == 0 && group.Length == 0
                    ? name
                    : (group.Length == 0 ? kind : kind + "." + group).ToLowerInvariant() + "/" + name;
                break;
            }
        }
        return [PrintContext.Name(obj), controller, obj["revision"].L, ctx.Age(obj)];
    }

    private static object?[] PodTemplate(JsonView obj, PrintContext ctx)
    {
        var template = obj["template"];
        var (names, images) = Formats.Containers(template["spec"]["containers"]);
        return [PrintContext.Name(obj), names, images, Formats.Labels(template["metadata"]["labels"])];
    }
}
