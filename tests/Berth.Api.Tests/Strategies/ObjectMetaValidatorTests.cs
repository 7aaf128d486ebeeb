using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using Berth.Api.Validation;

namespace Berth.Api.Tests.Strategies;

public sealed class ObjectMetaValidatorTests
{
    private static ResourceInfo Kind(string resource, string group = "") =>
        BuiltinKinds.Resources.First(r => r.Resource == resource && r.Group == group);

    private static List<string> Create(string json, ResourceInfo info) =>
        ObjectMetaValidator.ValidateCreate(StrategyHarness.Json(json), info).Select(e => e.ToString()).ToList();

    [Fact]
    public void ValidateCreate_NoName_IsRequired()
    {
        Assert.Equal(["metadata.name: Required value: name or generateName is required"],
            Create("""{"metadata":{"namespace":"default"}}""", Kind("configmaps")));
    }

    [Theory]
    [InlineData("configmaps", "", "my.config", true)]
    [InlineData("configmaps", "", "My_Config", false)]
    [InlineData("namespaces", "", "team-a", true)]
    [InlineData("statefulsets", "apps", "db.0", false)]
    [InlineData("services", "", "web-1", true)]
    [InlineData("services", "", "1web", false)]
    [InlineData("nodes", "", "node-1.example.com", true)]
    [InlineData("roles", "rbac.authorization.k8s.io", "system:controller:foo", true)]
    [InlineData("roles", "rbac.authorization.k8s.io", "a/b", false)]
    [InlineData("events", "", "pod.17a2c5d3e4f", true)]
    public void ValidateCreate_NameRulePerKind_MatchesKube(string resource, string group, string name, bool valid)
    {
        var info = Kind(resource, group);
        var ns = info.Namespaced ? ",\"namespace\":\"default\"" : "";
        var errs = Create("{\"metadata\":{\"name\":\"" + name + "\"" + ns + "}}", info);
        Assert.Equal(valid, errs.Count == 0);
    }

    [Fact]
    public void ValidateCreate_BadNames_UseKubeWording()
    {
        Assert.Equal(["metadata.name: Invalid value: \"a.b\": must not contain dots"],
            Create("""{"metadata":{"name":"a.b"}}""", Kind("namespaces")));
        Assert.Equal(["metadata.name: Invalid value: \"a/b\": may not contain '/'"],
            Create("""{"metadata":{"name":"a/b","namespace":"default"}}""", Kind("roles", "rbac.authorization.k8s.io")));
        Assert.Equal(
        [
            "metadata.name: Invalid value: \"widgets.example\": must be spec.names.plural+\".\"+spec.group",
        ], Create("""{"metadata":{"name":"widgets.example"},"spec":{"group":"example.com","names":{"plural":"widgets"}}}""",
            Kind("customresourcedefinitions", "apiextensions.k8s.io")));
    }

    [Fact]
    public void ValidateCreate_GenerateNameMayEndWithDash()
    {
        Assert.Empty(Create("""{"metadata":{"generateName":"web-","name":"web-x7k2p","namespace":"default"}}""", Kind("pods")));
        Assert.Equal(["metadata.generateName: Invalid value: \"Web-\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
            Create("""{"metadata":{"generateName":"Web-","name":"web-x7k2p","namespace":"default"}}""", Kind("pods")));
    }

    [Fact]
    public void ValidateCreate_NamespaceRules_FollowTheScope()
    {
        Assert.Equal(["metadata.namespace: Required value"], Create("""{"metadata":{"name":"a"}}""", Kind("pods")));
        Assert.Equal(["metadata.namespace: Forbidden: not allowed on this type"],
            Create("""{"metadata":{"name":"a","namespace":"default"}}""", Kind("nodes")));
        Assert.Equal(["metadata.namespace: Invalid value: \"Prod\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
            Create("""{"metadata":{"name":"a","namespace":"Prod"}}""", Kind("pods")));
    }

    [Fact]
    public void ValidateCreate_LabelsAnnotationsFinalizersOwners_AllReported()
    {
        var big = new string('x', 262144);
        var obj = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "a",
                ["namespace"] = "default",
                ["generation"] = -1,
                ["labels"] = new JsonObject { ["-bad"] = "ok", ["app"] = "-bad" },
                ["annotations"] = new JsonObject { ["k"] = big },
                ["ownerReferences"] = new JsonArray(new JsonObject()),
                ["finalizers"] = new JsonArray("custom", "example.com/cleanup"),
            },
        };
        Assert.Equal(
        [
            "metadata.generation: Invalid value: -1: must be greater than or equal to 0",
            "metadata.labels: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            "metadata.annotations: Too long: must have at most 262144 bytes",
            "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
            "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty",
            "metadata.ownerReferences.name: Invalid value: \"\": must not be empty",
            "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty",
            "metadata.finalizers[0]: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified",
        ], ObjectMetaValidator.ValidateCreate(obj, Kind("configmaps")).Select(e => e.ToString()));
    }

    [Fact]
    public void ValidateUpdate_IdentityFields_AreImmutable()
    {
        var old = StrategyHarness.Json("""{"metadata":{"name":"a","namespace":"default","uid":"u1","creationTimestamp":"2025-01-01T00:00:00Z","resourceVersion":"3"}}""");
        var now = StrategyHarness.Json("""{"metadata":{"name":"b","namespace":"other","uid":"u2","creationTimestamp":"2025-02-01T00:00:00Z","resourceVersion":"3"}}""");
        Assert.Equal(
        [
            "metadata.name: Invalid value: \"b\": field is immutable",
            "metadata.namespace: Invalid value: \"other\": field is immutable",
            "metadata.uid: Invalid value: \"u2\": field is immutable",
            "metadata.creationTimestamp: Invalid value: \"2025-02-01T00:00:00Z\": field is immutable",
        ], ObjectMetaValidator.ValidateUpdate(now, old, Kind("configmaps")).Select(e => e.ToString()));
    }

    [Fact]
    public void ValidateUpdate_DeletingObject_RejectsNewFinalizersAndMissingResourceVersion()
    {
        var old = StrategyHarness.Json("""{"metadata":{"name":"a","namespace":"default","deletionTimestamp":"2025-01-01T00:00:00Z","finalizers":["example.com/a"]}}""");
        var now = StrategyHarness.Json("""{"metadata":{"name":"a","namespace":"default","deletionTimestamp":"2025-01-01T00:00:00Z","finalizers":["example.com/a","example.com/b"]}}""");
        Assert.Equal(
        [
            "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"example.com/b\"}",
            "metadata.resourceVersion: Invalid value: \"\": must be specified for an update",
        ], ObjectMetaValidator.ValidateUpdate(now, old, Kind("configmaps")).Select(e => e.ToString()));
    }
}
