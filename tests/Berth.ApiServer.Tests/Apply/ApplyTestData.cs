using System.Text.Json.Nodes;
using Berth.Api.Schema;
using Berth.ApiServer.Apply;
using k8s.Models;

namespace Berth.ApiServer.Tests.Apply;

/// <summary>Objects and helpers shared by the field manager tests.</summary>
internal static class ApplyTestData
{
    public static readonly TypeSchema Deployment = TypeSchema.For<V1Deployment>();
    public static readonly TypeSchema ConfigMap = TypeSchema.For<V1ConfigMap>();
    public static readonly DateTime T0 = new(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime T1 = new(2024, 5, 1, 11, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime T2 = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>A Deployment as a client writes it, with one nginx container.</summary>
    public static JsonObject NginxDeployment(int replicas = 3, string image = "nginx:1.25") => Obj("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"nginx","namespace":"default","labels":{"app":"nginx"}},
         "spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"nginx"}},
          "template":{"metadata":{"labels":{"app":"nginx"}},
           "spec":{"containers":[{"name":"nginx","image":"IMAGE","ports":[{"containerPort":80}]}]}}}}
        """.Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("IMAGE", image, StringComparison.Ordinal));

    /// <summary>What storage adds on create: identity the field manager must not track.</summary>
    public static JsonObject Stored(JsonObject obj, string uid = "u-1")
    {
        var copy = obj.DeepClone().AsObject();
        var meta = copy["metadata"]!.AsObject();
        meta["uid"] = uid;
        meta["resourceVersion"] = "1";
        meta["creationTimestamp"] = "2024-05-01T10:00:00Z";
        meta["generation"] = 1;
        return copy;
    }

    public static JsonArray ManagedFields(JsonObject obj) => obj["metadata"]!["managedFields"]!.AsArray();

    public static JsonObject Entry(JsonObject obj, string manager) =>
        ManagedFields(obj).Single(e => e!["manager"]!.GetValue<string>() == manager)!.AsObject();

    public static string FieldsV1(JsonObject obj, string manager) => Entry(obj, manager)["fieldsV1"]!.ToJsonString();

    public static List<string> Managers(JsonObject obj) =>
        obj["metadata"]!["managedFields"] is JsonArray a ? a.Select(e => e!["manager"]!.GetValue<string>()).ToList() : [];

    /// <summary>Creates an object via apply and returns what storage would hold.</summary>
    public static JsonObject ApplyCreate(JsonObject applied, string manager, TypeSchema? schema = null, DateTime? now = null) =>
        Stored(FieldManager.Apply(null, applied, manager, force: false, (string)applied["apiVersion"]!, schema ?? Deployment, now ?? T0));

    public static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();
}
