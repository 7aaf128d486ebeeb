using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using Berth.ApiServer.Tables;
using CsCheck;
using k8s.Models;
using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

/// <summary>
/// Malformed or unexpected stored objects must still print: a bad field shows a placeholder, never an error that
/// would fail <c>kubectl get</c> for a whole list.
/// </summary>
public sealed class TableConvertorFuzzTests
{
    // Field names the printers read, so generated objects reach their code paths.
    private static readonly string[] Keys =
    [
        "metadata", "name", "namespace", "creationTimestamp", "deletionTimestamp", "labels", "annotations", "ownerReferences",
        "controller", "apiVersion", "kind", "spec", "status", "containers", "initContainers", "image", "restartPolicy",
        "nodeName", "phase", "reason", "conditions", "type", "containerStatuses", "initContainerStatuses", "state",
        "waiting", "terminated", "running", "lastState", "exitCode", "signal", "finishedAt", "restartCount", "ready",
        "started", "podIPs", "ip", "podIP", "replicas", "readyReplicas", "selector", "matchLabels", "matchExpressions",
        "key", "operator", "values", "template", "ports", "port", "nodePort", "protocol", "clusterIPs", "externalIPs",
        "loadBalancer", "ingress", "hostname", "metrics", "currentMetrics", "resource", "target", "current",
        "averageUtilization", "averageValue", "value", "hard", "used", "data", "subsets", "addresses", "endpoints",
        "rules", "host", "tls", "roleRef", "subjects", "involvedObject", "series", "count", "eventTime", "capacity",
        "storage", "accessModes", "claimRef", "minAvailable", "jobTemplate", "active", "completions", "parallelism",
        "startTime", "completionTime", "readinessGates", "conditionType", "nodeInfo", "unschedulable", "revision",
        "regarding", "note", "parameters", "podSelector", "scaleTargetRef", "minReplicas", "maxReplicas", "pods",
        "external", "object", "containerResource", "targetCPUUtilizationPercentage", "lastScheduleTime", "suspend",
    ];

    private static readonly string[] Strings =
    [
        "", "x", "2025-06-01T10:00:00Z", "2025-06-01T10:00:00.123456Z", "0001-01-01T00:00:00Z", "not-a-time", "Always",
        "Ready", "True", "False", "PodScheduled", "SchedulingGated", "Initialized", "PodInitializing", "In", "NotIn",
        "Exists", "DoesNotExist", "Bogus", "LoadBalancer", "NodePort", "ExternalName", "Resource", "Pods", "Object",
        "External", "ContainerResource", "limits.cpu", "10Gi", "1000m", "ReadWriteOnce", "ServiceAccount", "User",
        "Succeeded", "Failed", "Complete", "NodeLost", "fd00::1",
    ];

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency(
        (1, Gen.Const((JsonNode?)null)),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (2, Gen.Long[-3, 100_000].Select(l => (JsonNode?)JsonValue.Create(l))),
        (1, Gen.Double[-1e22, 1e22].Select(d => (JsonNode?)JsonValue.Create(d))),
        (4, Gen.Int[0, Strings.Length - 1].Select(i => (JsonNode?)JsonValue.Create(Strings[i]))));

    private static Gen<JsonNode?> Value(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (3, Scalar),
            (2, Object(depth - 1).Select(o => (JsonNode?)o)),
            (1, Value(depth - 1).Array[0, 3].Select(items => (JsonNode?)new JsonArray(items))));

    private static Gen<JsonObject> Object(int depth) =>
        Gen.Select(Gen.Int[0, Keys.Length - 1], Value(depth)).Array[0, 6].Select(members =>
        {
            var o = new JsonObject();
            foreach (var (key, value) in members)
            {
                o[Keys[key]] = value;
            }
            return o;
        });

    private static readonly ResourceInfo Widgets = new()
    {
        Group = "example.com",
        Version = "v1",
        Resource = "widgets",
        Kind = "Widget",
        Namespaced = true,
        PrinterColumns =
        [
            new V1CustomResourceColumnDefinition { Name = "R", Type = "integer", JsonPath = ".spec.replicas" },
            new V1CustomResourceColumnDefinition { Name = "S", Type = "string", JsonPath = ".status.conditions[?(@.type==\"Ready\")].status" },
            new V1CustomResourceColumnDefinition { Name = "D", Type = "date", JsonPath = ".metadata.creationTimestamp" },
            new V1CustomResourceColumnDefinition { Name = "N", Type = "number", JsonPath = ".spec.*" },
            new V1CustomResourceColumnDefinition { Name = "B", Type = "boolean", JsonPath = ".spec.ready" },
        ],
    };

    private static readonly ResourceInfo[] Infos = [.. BuiltinKinds.Resources, Widgets];

    [Fact]
    public void Row_RandomObjects_EveryKindPrintsOneCellPerColumn()
    {
        var convertor = Convertor();
        Object(5).Sample(obj =>
        {
            // The same object as constructed nodes and as freshly parsed JSON, which are read by different paths.
            var parsed = Parse(obj.ToJsonString());
            foreach (var info in Infos)
            {
                var columns = convertor.Columns(info);
                var fromNodes = convertor.Row(info, obj, IncludeObject.Metadata);
                var fromParsed = convertor.Row(info, parsed, IncludeObject.Metadata);
                Assert.Equal(columns.Count, fromNodes.Cells.Count);
                Assert.All(fromNodes.Cells, c => Assert.True(c is null or string or long or double or bool, $"{info}: cell {c?.GetType()}"));
                Assert.Equal(fromNodes.Cells, fromParsed.Cells);

                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    convertor.WriteTable(writer, info, [obj, parsed], "1", null, null, IncludeObject.Object);
                }
                Assert.Equal(2, JsonNode.Parse(buffer.WrittenSpan)!["rows"]!.AsArray().Count);
            }
        }, iter: 300);
    }
}
