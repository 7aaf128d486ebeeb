using System.Globalization;

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

    private static IReadOnlyList<TableRowCondition>? Conditions(JsonView pod)
    {
        var phase = pod["status"]["phase"];
        return phase.Is("Succeeded") ? Succeeded : phase.Is("Failed") ? Failed : null;
    }

    public static object?[] Cells(JsonView pod, PrintContext ctx)
    {
        var metadata = pod["metadata"];
        var spec = pod["spec"];
        var status = pod["status"];
        var conditions = status["conditions"];

        long restarts = 0;
        long restartableInitRestarts = 0;
        var totalContainers = spec["containers"].Length;
        var readyContainers = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastRestartableInitRestart = null;

        var phase = status["phase"].S;
        var statusReason = status["reason"].S;
        var reason = statusReason.Length > 0 ? statusReason : phase;

        for (var i = 0; i < conditions.Length && conditions.IsArray; i++)
        {
            var cond = conditions[i];
            if (cond["type"].Is("PodScheduled") && cond["reason"].Is("SchedulingGated"))
            {
                reason = "SchedulingGated";
            }
        }

        // Sidecars (init containers with restartPolicy Always) count as containers of the pod.
        var initSpecs = spec["initContainers"];
        var initCount = initSpecs.IsArray ? initSpecs.Length : 0;
        for (var i = 0; i < initCount; i++)
        {
            if (IsRestartable(initSpecs[i]))
            {
                totalContainers++;
            }
        }

        var initializing = false;
        var initStatuses = status["initContainerStatuses"];
        for (var i = 0; i < initStatuses.Length && initStatuses.IsArray; i++)
        {
            var container = initStatuses[i];
            var restartCount = container["restartCount"].L;
            restarts += restartCount;
            var lastFinished = container["lastState"]["terminated"]["finishedAt"].Time;
            lastRestart = Later(lastRestart, lastFinished);
            var restartable = initCount > 0 && IsRestartable(FindByName(initSpecs, initCount, container["name"]));
            if (restartable)
            {
                restartableInitRestarts += restartCount;
                lastRestartableInitRestart = Later(lastRestartableInitRestart, lastFinished);
            }

            var state = container["state"];
            var terminated = state["terminated"];
            var waiting = state["waiting"];
            if (terminated.Exists && terminated["exitCode"].L == 0)
            {
                continue;
            }
            if (restartable && container["started"].Bool == true)
            {
                if (container["ready"].Bool == true)
                {
                    readyContainers++;
                }
                continue;
            }
            if (terminated.Exists)
            {
                // Initialization failed.
                var terminatedReason = terminated["reason"].S;
                if (terminatedReason.Length == 0)
                {
                    var signal = terminated["signal"].L;
                    reason = signal != 0
                        ? "Init:Signal:" + Formats.Int(signal)
                        : "Init:ExitCode:" + Formats.Int(terminated["exitCode"].L);
                }
                else
                {
                    reason = "Init:" + terminatedReason;
                }
            }
            else if (waiting.Exists && waiting["reason"].S is { Length: > 0 } w && w != "PodInitializing")
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

        if (!initializing || IsConditionTrue(conditions, "Initialized"))
        {
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            var hasRunning = false;
            var statuses = status["containerStatuses"];
            var count = statuses.IsArray ? statuses.Length : 0;
            for (var i = count - 1; i >= 0; i--)
            {
                var container = statuses[i];
                restarts += container["restartCount"].L;
                var lastTerminated = container["lastState"]["terminated"];
                if (lastTerminated.Exists)
                {
                    lastRestart = Later(lastRestart, lastTerminated["finishedAt"].Time);
                }

                var state = container["state"];
                var terminated = state["terminated"];
                var waitingReason = state["waiting"]["reason"].S;
                if (waitingReason.Length > 0)
                {
                    reason = waitingReason;
                }
                else if (terminated.Exists)
                {
                    var terminatedReason = terminated["reason"].S;
                    if (terminatedReason.Length > 0)
                    {
                        reason = terminatedReason;
                    }
                    else
                    {
                        var signal = terminated["signal"].L;
                        reason = signal != 0
                            ? "Signal:" + Formats.Int(signal)
                            : "ExitCode:" + Formats.Int(terminated["exitCode"].L);
                    }
                }
                else if (container["ready"].Bool == true && state["running"].Exists)
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }

            // A pod whose other containers still run is Running (or NotReady), not Completed.
            if (reason == "Completed" && hasRunning)
            {
                reason = HasTrueCondition(conditions, "Ready") ? "Running" : "NotReady";
            }
        }

        var deleting = metadata["deletionTimestamp"].Exists;
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

        // The internal type only has podIPs; conversion from v1 fills it from podIP.
        var podIP = status["podIPs"][0]["ip"].Str;
        if (string.IsNullOrEmpty(podIP))
        {
            podIP = status["podIP"].Str;
        }
        var nodeName = spec["nodeName"].S;
        var nominated = status["nominatedNodeName"].S;

        return
        [
            PrintContext.Name(pod),
            readyContainers.ToString(CultureInfo.InvariantCulture) + "/" + totalContainers.ToString(CultureInfo.InvariantCulture),
            reason,
            restartsCell,
            ctx.Age(pod),
            string.IsNullOrEmpty(podIP) ? Formats.None : podIP,
            nodeName.Length == 0 ? Formats.None : nodeName,
            nominated.Length == 0 ? Formats.None : nominated,
            ReadinessGates(spec["readinessGates"], conditions),
        ];
    }

    private static string ReadinessGates(JsonView gates, JsonView conditions)
    {
        var gateCount = gates.IsArray ? gates.Length : 0;
        if (gateCount == 0)
        {
            return Formats.None;
        }
        var trueConditions = 0;
        var conditionCount = conditions.IsArray ? conditions.Length : 0;
        for (var g = 0; g < gateCount; g++)
        {
            var type = gates[g]["conditionType"].S;
            for (var c = 0; c < conditionCount; c++)
            {
                var cond = conditions[c];
                if (cond["type"].Is(type))
                {
                    if (cond["status"].Is("True"))
                    {
                        trueConditions++;
                    }
                    break;
                }
            }
        }
        return trueConditions.ToString(CultureInfo.InvariantCulture) + "/" + gateCount.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>podutil.IsRestartableInitContainer</c>: an init container with <c>restartPolicy: Always</c> (a sidecar).</summary>
    private static bool IsRestartable(JsonView container) => container["restartPolicy"].Is("Always");

    private static JsonView FindByName(JsonView containers, int count, JsonView name)
    {
        var wanted = name.Str;
        if (wanted is null)
        {
            return default;
        }
        for (var i = 0; i < count; i++)
        {
            if (containers[i]["name"].Is(wanted))
            {
                return containers[i];
            }
        }
        return default;
    }

    /// <summary>kube's <c>isPodInitializedConditionTrue</c>: the first condition of the type decides.</summary>
    private static bool IsConditionTrue(JsonView conditions, string type)
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

    /// <summary>kube's <c>hasPodReadyCondition</c>: any condition of the type that is True.</summary>
    private static bool HasTrueCondition(JsonView conditions, string type)
    {
        for (var i = 0; i < conditions.Length && conditions.IsArray; i++)
        {
            var cond = conditions[i];
            if (cond["type"].Is(type) && cond["status"].Is("True"))
            {
                return true;
            }
        }
        return false;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        b is null ? a : a is null || a < b ? b : a;
}
