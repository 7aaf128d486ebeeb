using System.Text.Json.Nodes;

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
        ], (obj, ctx) => [Fields.Name(obj), Fields.S(Fields.Obj(obj, "status"), "phase"), ctx.Age(obj)]);

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
        ], (obj, ctx) => [Fields.Name(obj), Fields.S(Fields.Obj(obj, "spec"), "holderIdentity"), ctx.Age(obj)]);

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
            Fields.Name(obj),
            Fields.L(obj, "value"),
            Fields.Bool(obj, "globalDefault") ?? false,
            ctx.Age(obj),
            Fields.S(obj, "preemptionPolicy"),
        ]);
    }

    private static object?[] Node(JsonObject obj, PrintContext ctx)
    {
        var metadata = Fields.Obj(obj, "metadata");
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var info = Fields.Obj(status, "nodeInfo");

        // Only the Ready condition is shown; the last one of that type wins, as kube builds a map of them.
        string? ready = null;
        if (Fields.Arr(status, "conditions") is { } conditions)
        {
            foreach (var c in conditions)
            {
                if (c is JsonObject cond && Fields.Str(cond, "type") == "Ready")
                {
                    ready = Fields.Str(cond, "status") == "True" ? "Ready" : "NotReady";
                }
            }
        }
        var nodeStatus = ready ?? "Unknown";
        if (Fields.Bool(spec, "unschedulable") == true)
        {
            nodeStatus += ",SchedulingDisabled";
        }

        var roles = new SortedSet<string>(StringComparer.Ordinal);
        if (Fields.Obj(metadata, "labels") is { } labels)
        {
            foreach (var (key, value) in labels)
            {
                if (key.StartsWith(NodeRolePrefix, StringComparison.Ordinal))
                {
                    if (key.Length > NodeRolePrefix.Length)
                    {
                        roles.Add(key[NodeRolePrefix.Length..]);
                    }
                }
                else if (key == NodeRoleLabel && Fields.Str(value) is { Length: > 0 } role)
                {
                    roles.Add(role);
                }
            }
        }

        return
        [
            Fields.Name(obj),
            nodeStatus,
            roles.Count == 0 ? Formats.None : string.Join(",", roles),
            ctx.Age(obj),
            Fields.S(info, "kubeletVersion"),
            NodeAddress(status, "InternalIP"),
            NodeAddress(status, "ExternalIP"),
            OrUnknown(Fields.S(info, "osImage")),
            OrUnknown(Fields.S(info, "kernelVersion")),
            OrUnknown(Fields.S(info, "containerRuntimeVersion")),
        ];
    }

    private static string OrUnknown(string s) => s.Length == 0 ? "<unknown>" : s;

    private static string NodeAddress(JsonObject? status, string type)
    {
        if (Fields.Arr(status, "addresses") is { } addresses)
        {
            foreach (var a in addresses)
            {
                if (a is JsonObject address && Fields.Str(address, "type") == type)
                {
                    return Fields.S(address, "address");
                }
            }
        }
        return Formats.None;
    }

    /// <summary>
    /// kube's <c>printEvent</c> (wide). For events.k8s.io/v1 objects the fields are read under their v1 names
    /// (<c>regarding</c>, <c>note</c>, <c>deprecatedCount</c>…), as kube converts them to the internal Event first.
    /// </summary>
    private static object?[] Event(JsonObject obj, PrintContext ctx, bool eventsV1)
    {
        var involved = Fields.Obj(obj, eventsV1 ? "regarding" : "involvedObject");
        var source = Fields.Obj(obj, eventsV1 ? "deprecatedSource" : "source");
        var message = Fields.S(obj, eventsV1 ? "note" : "message");
        var firstTimestamp = Fields.Time(obj, eventsV1 ? "deprecatedFirstTimestamp" : "firstTimestamp");
        var lastTimestamp = Fields.Time(obj, eventsV1 ? "deprecatedLastTimestamp" : "lastTimestamp");
        var count = Fields.L(obj, eventsV1 ? "deprecatedCount" : "count");
        var reportingController = Fields.S(obj, eventsV1 ? "reportingController" : "reportingComponent");
        var reportingInstance = Fields.S(obj, "reportingInstance");

        var first = firstTimestamp is null ? ctx.Since(Fields.Time(obj, "eventTime")) : ctx.Since(firstTimestamp);
        var last = lastTimestamp is null ? first : ctx.Since(lastTimestamp);
        if (Fields.Obj(obj, "series") is { } series)
        {
            last = ctx.Since(Fields.Time(series, "lastObservedTime"));
            count = Fields.L(series, "count");
        }
        else if (count == 0)
        {
            // Singleton events of the new API carry no count.
            count = 1;
        }

        var kind = Fields.S(involved, "kind").ToLowerInvariant();
        var name = Fields.S(involved, "name");
        var target = name.Length > 0 ? kind + "/" + name : kind;

        var component = FirstNonEmpty(Fields.S(source, "component"), reportingController);
        var host = FirstNonEmpty(Fields.S(source, "host"), reportingInstance);
        var sourceText = host.Length == 0 ? component : component + ", " + host;

        return
        [
            last,
            Fields.S(obj, "type"),
            Fields.S(obj, "reason"),
            target,
            Fields.S(involved, "fieldPath"),
            sourceText,
            message.Trim(),
            first,
            count,
            Fields.Name(obj),
        ];
    }

    private static string FirstNonEmpty(string a, string b) => a.Length > 0 ? a : b;
}
