using System.Globalization;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Tables;

/// <summary>
/// Pods as <c>kubectl get pods</c> shows them: kube's <c>printPod</c>, including its STATUS rules
/// (<c>Init:1/3</c>, <c>Init:CrashLoopBackOff</c>, <c>PodInitializing</c>, <c>CrashLoopBackOff</c>, <c>Completed</c>,
/// <c>Terminating</c>, <c>SchedulingGated</c>…) and the RESTARTS cell <c>3 (5m ago)</c>.
/// </summary>
internal static class PodPrinter
{
    // node.NodeUnreachablePodReason: set by the node lifecycle controller on pods of a lost node.
    private const string NodeLostReason = "NodeLost";

    public static readonly IReadOnlyList<TableColumnDefinition> PodColumns =
    [
        Columns.Name,
        Columns.Str("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        Columns.Str("Status", "The aggregate status of the containers in this pod."),
        Columns.Str("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        Columns.Age,
        Columns.Wide("IP", ColumnDescriptions.PodIP),
        Columns.Wide("Node", ColumnDescriptions.PodNodeName),
        Columns.Wide("Nominated Node", ColumnDescriptions.NominatedNodeName),
        Columns.Wide("Readiness Gates", ColumnDescriptions.ReadinessGates),
    ];

    private static readonly TableRowCondition[] Succeeded =
        [new("Completed", "True", "Succeeded", "The pod has completed successfully.")];

    private static readonly TableRowCondition[] Failed =
        [new("Completed", "True", "Failed", "The pod failed.")];

    public static KindPrinter Printer { get; } = new(PodColumns, Cells, Conditions);

    private static IReadOnlyList<TableRowCondition>? Conditions(JsonObject pod) =>
        Fields.S(Fields.Obj(pod, "status"), "phase") switch
        {
            "Succeeded" => Succeeded,
            "Failed" => Failed,
            _ => null,
        };

    public static object?[] Cells(JsonObject pod, PrintContext ctx)
    {
        var metadata = Fields.Obj(pod, "metadata");
        var spec = Fields.Obj(pod, "spec");
        var status = Fields.Obj(pod, "status");
        var conditions = Fields.Arr(status, "conditions");

        long restarts = 0;
        long restartableInitRestarts = 0;
        var totalContainers = Fields.Count(spec, "containers");
        var readyContainers = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastRestartableInitRestart = null;

        var phase = Fields.S(status, "phase");
        var statusReason = Fields.S(status, "reason");
        var reason = statusReason.Length > 0 ? statusReason : phase;

        if (conditions is not null)
        {
            foreach (var c in conditions)
            {
                if (c is JsonObject cond && Fields.Str(cond, "type") == "PodScheduled" && Fields.Str(cond, "reason") == "SchedulingGated")
                {
                    reason = "SchedulingGated";
                }
            }
        }

        // Sidecars (init containers with restartPolicy Always) count as containers of the pod.
        var initSpecs = Fields.Arr(spec, "initContainers");
        var initCount = initSpecs?.Count ?? 0;
        if (initSpecs is not null)
        {
            foreach (var c in initSpecs)
            {
                if (IsRestartable(c as JsonObject))
                {
                    totalContainers++;
                }
            }
        }

        var initializing = false;
        if (Fields.Arr(status, "initContainerStatuses") is { } initStatuses)
        {
            for (var i = 0; i < initStatuses.Count; i++)
            {
                var container = initStatuses[i] as JsonObject;
                var restartCount = Fields.L(container, "restartCount");
                restarts += restartCount;
                var lastFinished = Fields.Time(Fields.Obj(Fields.Obj(container, "lastState"), "terminated"), "finishedAt");
                lastRestart = Later(lastRestart, lastFinished);
                var restartable = IsRestartable(FindByName(initSpecs, Fields.S(container, "name")));
                if (restartable)
                {
                    restartableInitRestarts += restartCount;
                    lastRestartableInitRestart = Later(lastRestartableInitRestart, lastFinished);
                }

                var state = Fields.Obj(container, "state");
                var terminated = Fields.Obj(state, "terminated");
                var waiting = Fields.Obj(state, "waiting");
                if (terminated is not null && Fields.L(terminated, "exitCode") == 0)
                {
                    continue;
                }
                if (restartable && Fields.Bool(container, "started") == true)
                {
                    if (Fields.Bool(container, "ready") == true)
                    {
                        readyContainers++;
                    }
                    continue;
                }
                if (terminated is not null)
                {
                    // Initialization failed.
                    var terminatedReason = Fields.S(terminated, "reason");
                    if (terminatedReason.Length == 0)
                    {
                        var signal = Fields.L(terminated, "signal");
                        reason = signal != 0
                            ? "Init:Signal:" + Formats.Int(signal)
                            : "Init:ExitCode:" + Formats.Int(Fields.L(terminated, "exitCode"));
                    }
                    else
                    {
                        reason = "Init:" + terminatedReason;
                    }
                }
                else if (waiting is not null && Fields.S(waiting, "reason") is { Length: > 0 } w && w != "PodInitializing")
                {
                    reason = "Init:" + w;
                }
                else
                {
                    reason = "Init:" + i.ToString(CultureInfo.InvariantCulture) + "/" + initCount.ToString(CultureInfo.InvariantCulture);
                }
                initializing = true;
                break;
            }
        }

        if (!initializing || IsConditionTrue(conditions, "Initialized"))
        {
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            var hasRunning = false;
            if (Fields.Arr(status, "containerStatuses") is { } statuses)
            {
                for (var i = statuses.Count - 1; i >= 0; i--)
                {
                    var container = statuses[i] as JsonObject;
                    restarts += Fields.L(container, "restartCount");
                    lastRestart = Later(lastRestart, Fields.Time(Fields.Obj(Fields.Obj(container, "lastState"), "terminated"), "finishedAt"));

                    var state = Fields.Obj(container, "state");
                    var terminated = Fields.Obj(state, "terminated");
                    var waitingReason = Fields.S(Fields.Obj(state, "waiting"), "reason");
                    if (waitingReason.Length > 0)
                    {
                        reason = waitingReason;
                    }
                    else if (terminated is not null)
                    {
                        var terminatedReason = Fields.S(terminated, "reason");
                        if (terminatedReason.Length > 0)
                        {
                            reason = terminatedReason;
                        }
                        else
                        {
                            var signal = Fields.L(terminated, "signal");
                            reason = signal != 0
                                ? "Signal:" + Formats.Int(signal)
                                : "ExitCode:" + Formats.Int(Fields.L(terminated, "exitCode"));
                        }
                    }
                    else if (Fields.Bool(container, "ready") == true && Fields.Obj(state, "running") is not null)
                    {
                        hasRunning = true;
                        readyContainers++;
                    }
                }
            }

            // A pod whose other containers still run is Running (or NotReady), not Completed.
            if (reason == "Completed" && hasRunning)
            {
                reason = IsConditionTrue(conditions, "Ready") ? "Running" : "NotReady";
            }
        }

        var deleting = Fields.Str(metadata, "deletionTimestamp") is not null;
        if (deleting && statusReason == NodeLostReason)
        {
            reason = "Unknown";
        }
        else if (deleting && phase != "Succeeded" && phase != "Failed")
        {
            reason = "Terminating";
        }

        var restartsCell = Formats.Int(restarts);
        if (restarts != 0 && lastRestart is not null)
        {
            restartsCell += " (" + ctx.Since(lastRestart) + " ago)";
        }

        var podIP = Fields.Str(Fields.Arr(status, "podIPs") is { Count: > 0 } ips ? ips[0] as JsonObject : null, "ip");
        if (string.IsNullOrEmpty(podIP))
        {
            // The internal type only has podIPs; conversion from v1 fills it from podIP.
            podIP = Fields.Str(status, "podIP");
        }
        var nodeName = Fields.S(spec, "nodeName");
        var nominated = Fields.S(status, "nominatedNodeName");

        return
        [
            Fields.Name(pod),
            readyContainers.ToString(CultureInfo.InvariantCulture) + "/" + totalContainers.ToString(CultureInfo.InvariantCulture),
            reason,
            restartsCell,
            ctx.Age(pod),
            string.IsNullOrEmpty(podIP) ? Formats.None : podIP,
            nodeName.Length == 0 ? Formats.None : nodeName,
            nominated.Length == 0 ? Formats.None : nominated,
            ReadinessGates(Fields.Arr(spec, "readinessGates"), conditions),
        ];
    }

    private static string ReadinessGates(JsonArray? gates, JsonArray? conditions)
    {
        if (gates is null || gates.Count == 0)
        {
            return Formats.None;
        }
        var trueConditions = 0;
        foreach (var g in gates)
        {
            var type = Fields.Str(g as JsonObject, "conditionType");
            if (conditions is null)
            {
                continue;
            }
            foreach (var c in conditions)
            {
                if (c is JsonObject cond && Fields.Str(cond, "type") == type)
                {
                    if (Fields.Str(cond, "status") == "True")
                    {
                        trueConditions++;
                    }
                    break;
                }
            }
        }
        return trueConditions.ToString(CultureInfo.InvariantCulture) + "/" + gates.Count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>podutil.IsRestartableInitContainer</c>: an init container with <c>restartPolicy: Always</c> (a sidecar).</summary>
    private static bool IsRestartable(JsonObject? container) => Fields.Str(container, "restartPolicy") == "Always";

    private static JsonObject? FindByName(JsonArray? containers, string name)
    {
        if (containers is null)
        {
            return null;
        }
        foreach (var c in containers)
        {
            if (c is JsonObject o && Fields.Str(o, "name") == name)
            {
                return o;
            }
        }
        return null;
    }

    /// <summary>The first condition of <paramref name="type"/> decides, as kube's helpers read them.</summary>
    private static bool IsConditionTrue(JsonArray? conditions, string type)
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

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        b is null ? a : a is null || a < b ? b : a;
}
