namespace Berth.ApiServer.Tables;

/// <summary>Nodes, Namespaces, Events (core and events.k8s.io), Leases and PriorityClasses, as kube's printers show them.</summary>
internal static class ClusterPrinters
{
    // Prefix and legacy label that name a node's roles (kubectl's ROLES column).
    private const string NodeRolePrefix = "node-role.kubernetes.io/";
    private const string NodeRoleLabel = "kubernetes.io/role";

    public static void Register(Dictionary<(string Group, string Kind), KindPrinter> printers)
    {
        printers[("", "Node")] = new(
        [
            Columns.Name,
            Columns.Str("Status", "The status of the node"),
            Columns.Str("Roles", "The roles of the node"),
            Columns.Age,
            Columns.Str("Version", ColumnDescriptions.KubeletVersion),
            Columns.Wide("Internal-IP", ColumnDescriptions.NodeAddresses),
            Columns.Wide("External-IP", ColumnDescriptions.NodeAddresses),
            Columns.Wide("OS-Image", ColumnDescriptions.OsImage),
            Columns.Wide("Kernel-Version", ColumnDescriptions.KernelVersion),
            Columns.Wide("Container-Runtime", ColumnDescriptions.ContainerRuntimeVersion),
        ], Node);

        printers[("", "Namespace")] = new(
        [
            Columns.Name,
            Columns.Str("Status", "The status of the namespace"),
            Columns.Age,
        ], (obj, ctx) => [PrintContext.Name(obj), obj["status"]["phase"].S, ctx.Age(obj)]);

        // kube serves events.k8s.io/v1 Events from the core Event storage, with the core printer.
        IReadOnlyList<TableColumnDefinition> eventColumns =
        [
            Columns.Str("Last Seen", ColumnDescriptions.EventLastTimestamp),
            Columns.Str("Type", ColumnDescriptions.EventType),
            Columns.Str("Reason", ColumnDescriptions.EventReason),
            Columns.Str("Object", ColumnDescriptions.EventInvolvedObject),
            Columns.Wide("Subobject", ColumnDescriptions.FieldPath),
            Columns.Wide("Source", ColumnDescriptions.EventSource),
            Columns.Str("Message", ColumnDescriptions.EventMessage),
            Columns.Wide("First Seen", ColumnDescriptions.EventFirstTimestamp),
            Columns.Wide("Count", ColumnDescriptions.EventCount),
            new TableColumnDefinition("Name", "string", "name", ColumnDescriptions.Name, 1),
        ];
        printers[("", "Event")] = new(eventColumns, (obj, ctx) => Event(obj, ctx, eventsV1: false));
        printers[("events.k8s.io", "Event")] = new(eventColumns, (obj, ctx) => Event(obj, ctx, eventsV1: true));

        printers[("coordination.k8s.io", "Lease")] = new(
        [
            Columns.Name,
            Columns.Str("Holder", ColumnDescriptions.LeaseHolder),
            Columns.Age,
        ], (obj, ctx) => [PrintContext.Name(obj), obj["spec"]["holderIdentity"].S, ctx.Age(obj)]);

        printers[("scheduling.k8s.io", "PriorityClass")] = new(
        [
            Columns.Name,
            Columns.Int("Value", ColumnDescriptions.PriorityValue),
            Columns.Bool("Global-Default", ColumnDescriptions.GlobalDefault),
            Columns.Age,
            // Not marked wide in kube, although only the wide printer fills it.
            Columns.Str("PreemptionPolicy", ColumnDescriptions.PreemptionPolicy),
        ], (obj, ctx) =>
        [
            PrintContext.Name(obj),
            obj["value"].L,
            obj["globalDefault"].Bool ?? false,
            ctx.Age(obj),
            obj["preemptionPolicy"].S,
        ]);
    }

    private static object?[] Node(JsonView obj, PrintContext ctx)
    {
        var status = obj["status"];
        var info = status["nodeInfo"];

        // Only the Ready condition is shown; the last one of that type wins, as kube builds a map of them.
        string? ready = null;
        foreach (var cond in Formats.Items(status["conditions"]))
        {
            if (cond["type"].Is("Ready"))
            {
                ready = cond["status"].Is("True") ? "Ready" : "NotReady";
            }
        }
        var nodeStatus = ready ?? "Unknown";
        if (obj["spec"]["unschedulable"].Bool == true)
        {
            nodeStatus += ",SchedulingDisabled";
        }

        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj["metadata"]["labels"].Properties())
        {
            if (key.StartsWith(NodeRolePrefix, StringComparison.Ordinal))
            {
                if (key.Length > NodeRolePrefix.Length)
                {
                    roles.Add(key[NodeRolePrefix.Length..]);
                }
            }
            else if (key == NodeRoleLabel && value.Str is { Length: > 0 } role)
            {
                roles.Add(role);
            }
        }

        return
        [
            PrintContext.Name(obj),
            nodeStatus,
            roles.Count == 0 ? Formats.None : string.Join(",", roles),
            ctx.Age(obj),
            info["kubeletVersion"].S,
            NodeAddress(status, "InternalIP"),
            NodeAddress(status, "ExternalIP"),
            OrUnknown(info["osImage"].S),
            OrUnknown(info["kernelVersion"].S),
            OrUnknown(info["containerRuntimeVersion"].S),
        ];
    }

    private static string OrUnknown(string s) => s.Length == 0 ? "<unknown>" : s;

    private static string NodeAddress(JsonView status, string type)
    {
        foreach (var address in Formats.Items(status["addresses"]))
        {
            if (address["type"].Is(type))
            {
                return address["address"].S;
            }
        }
        return Formats.None;
    }

    /// <summary>
    /// kube's <c>printEvent</c> (wide). For events.k8s.io/v1 objects the fields are read under their v1 names
    /// (<c>regarding</c>, <c>note</c>, <c>deprecatedCount</c>…), as kube converts them to the internal Event first.
    /// </summary>
    private static object?[] Event(JsonView obj, PrintContext ctx, bool eventsV1)
    {
        var involved = obj[eventsV1 ? "regarding" : "involvedObject"];
        var source = obj[eventsV1 ? "deprecatedSource" : "source"];
        var message = obj[eventsV1 ? "note" : "message"].S;
        var firstTimestamp = obj[eventsV1 ? "deprecatedFirstTimestamp" : "firstTimestamp"].Time;
        var lastTimestamp = obj[eventsV1 ? "deprecatedLastTimestamp" : "lastTimestamp"].Time;
        var count = obj[eventsV1 ? "deprecatedCount" : "count"].L;
        var reportingController = obj[eventsV1 ? "reportingController" : "reportingComponent"].S;
        var reportingInstance = obj["reportingInstance"].S;

        var first = firstTimestamp is null ? ctx.Since(obj["eventTime"].Time) : ctx.Since(firstTimestamp);
        var last = lastTimestamp is null ? first : ctx.Since(lastTimestamp);
        var series = obj["series"];
        if (series.IsObject)
        {
            last = ctx.Since(series["lastObservedTime"].Time);
            count = series["count"].L;
        }
        else if (count == 0)
        {
            // Singleton events of the new API carry no count.
            count = 1;
        }

        var kind = involved["kind"].S.ToLowerInvariant();
        var name = involved["name"].S;
        var target = name.Length > 0 ? kind + "/" + name : kind;

        var component = FirstNonEmpty(source["component"].S, reportingController);
        var host = FirstNonEmpty(source["host"].S, reportingInstance);
        var sourceText = host.Length == 0 ? component : component + ", " + host;

        return
        [
            last,
            obj["type"].S,
            obj["reason"].S,
            target,
            involved["fieldPath"].S,
            sourceText,
            message.Trim(),
            first,
            count,
            PrintContext.Name(obj),
        ];
    }

    private static string FirstNonEmpty(string a, string b) => a.Length > 0 ? a : b;
}
