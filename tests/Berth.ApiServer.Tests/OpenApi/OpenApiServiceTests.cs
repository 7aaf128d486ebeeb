using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Berth.Api.Kinds;
using Berth.ApiServer.OpenApi;

namespace Berth.ApiServer.Tests.OpenApi;

public sealed class OpenApiServiceTests
{
    private const string V3Schemas = "#/components/schemas/";

    private static JsonObject V3(OpenApiService service, string path)
    {
        Assert.True(service.TryGetV3(path, out var json, out _), "no v3 document for " + path);
        return (JsonObject)JsonNode.Parse(json)!;
    }

    private static JsonObject Schema(JsonObject doc, string name) =>
        Assert.IsType<JsonObject>(doc["components"]!["schemas"]![name], exactMatch: false);

    [Fact]
    public void GetV3Index_BuiltinRegistry_ListsEveryGroupVersionWithItsDocumentHash()
    {
        var service = new OpenApiService(new KindRegistry());

        var index = JsonNode.Parse(service.GetV3Index())!["paths"]!.AsObject();

        foreach (var path in new[] { "api", "api/v1", "apis", "apis/apps", "apis/apps/v1", "apis/autoscaling/v2", "apis/apiextensions.k8s.io/v1", "version" })
        {
            var url = index[path]?["serverRelativeURL"]?.GetValue<string>();
            Assert.NotNull(url);
            var match = Regex.Match(url, "^/openapi/v3/" + Regex.Escape(path) + @"\?hash=([0-9A-F]{128})$");
            Assert.True(match.Success, url);
            Assert.True(service.TryGetV3(path, out _, out var hash));
            Assert.Equal(hash, match.Groups[1].Value);
        }
    }

    [Fact]
    public void TryGetV3_SameRegistryInTwoServices_SameBytesAndHash()
    {
        // Clients cache documents by hash across server restarts, so generation must be deterministic.
        var first = new OpenApiService(new KindRegistry());
        var second = new OpenApiService(new KindRegistry());

        Assert.True(first.TryGetV3("api/v1", out var a, out var hashA));
        Assert.True(second.TryGetV3("api/v1", out var b, out var hashB));

        Assert.Equal(hashA, hashB);
        Assert.Equal(a, b);
        Assert.Equal(OpenApiService.Hash(a), hashA);
    }

    [Fact]
    public void TryGetV3_UnknownPath_ReturnsFalse()
    {
        var service = new OpenApiService(new KindRegistry());

        Assert.False(service.TryGetV3("apis/nope.example.com/v1", out _, out _));
        Assert.False(service.TryGetV3("apis/apps/v7", out _, out _));
    }

    [Theory]
    [InlineData("apis/apps/v1")]
    [InlineData("api/v1")]
    [InlineData("apis/batch/v1")]
    [InlineData("apis/autoscaling/v2")]
    [InlineData("apis/apiextensions.k8s.io/v1")]
    [InlineData("apis/networking.k8s.io/v1")]
    [InlineData("api")]
    [InlineData("version")]
    public void TryGetV3_BuiltinGroupVersion_EveryRefResolves(string path)
    {
        var doc = V3(new OpenApiService(new KindRegistry()), path);
        var schemas = doc["components"]!["schemas"]!.AsObject();

        var refs = Refs(doc).ToList();

        Assert.NotEmpty(refs);
        foreach (var r in refs)
        {
            Assert.StartsWith(V3Schemas, r);
            Assert.True(schemas.ContainsKey(r[V3Schemas.Length..]), "unresolved " + r + " in " + path);
        }
        Assert.All(schemas, s => Assert.StartsWith("io.k8s.", s.Key));
        Assert.DoesNotContain(schemas, s => s.Key.StartsWith("io.k8s.unknown", StringComparison.Ordinal));
    }

    [Fact]
    public void TryGetV3_AppsV1_DeploymentCarriesItsGroupVersionKind()
    {
        var doc = V3(new OpenApiService(new KindRegistry()), "apis/apps/v1");

        var deployment = Schema(doc, "io.k8s.api.apps.v1.Deployment");
        var gvk = Assert.Single(deployment["x-kubernetes-group-version-kind"]!.AsArray());

        Assert.Equal("apps", gvk!["group"]!.GetValue<string>());
        Assert.Equal("v1", gvk["version"]!.GetValue<string>());
        Assert.Equal("Deployment", gvk["kind"]!.GetValue<string>());
        var list = Schema(doc, "io.k8s.api.apps.v1.DeploymentList");
        Assert.Equal("DeploymentList", list["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal(["items"], list["required"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void TryGetV3_AppsV1_EveryDeploymentPatchOperationHasFieldValidation()
    {
        // kubectl enables server-side field validation only if the PATCH operation of the kind declares it.
        var doc = V3(new OpenApiService(new KindRegistry()), "apis/apps/v1");

        var patches = doc["paths"]!.AsObject()
            .Select(p => p.Value!["patch"])
            .Where(op => op?["x-kubernetes-group-version-kind"]?["kind"]?.GetValue<string>() == "Deployment")
            .ToList();

        Assert.Equal(2, patches.Count); // the object and its status
        foreach (var op in patches)
        {
            var names = op!["parameters"]!.AsArray().Select(p => (p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>())).ToList();
            Assert.Contains(("fieldValidation", "query"), names);
            Assert.Contains(("fieldManager", "query"), names);
            Assert.Contains(("dryRun", "query"), names);
            Assert.Contains(("force", "query"), names);
            var content = op["requestBody"]!["content"]!.AsObject().Select(c => c.Key).ToList();
            Assert.Contains("application/strategic-merge-patch+json", content);
            Assert.Contains("application/apply-patch+yaml", content);
            Assert.Contains("application/json-patch+json", content);
            Assert.Contains("application/merge-patch+json", content);
        }
        var item = doc["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!;
        Assert.Equal("readAppsV1NamespacedDeployment", item["get"]!["operationId"]!.GetValue<string>());
        Assert.Equal("patchAppsV1NamespacedDeployment", item["patch"]!["operationId"]!.GetValue<string>());
        Assert.Equal("patch", item["patch"]!["x-kubernetes-action"]!.GetValue<string>());
        var post = doc["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments"]!["post"]!;
        Assert.Contains(post["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation");
        var scale = doc["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]!["get"]!;
        Assert.Equal("readAppsV1NamespacedDeploymentScale", scale["operationId"]!.GetValue<string>());
        Assert.Equal("Scale", scale["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public void TryGetV3_AppsV1_DeploymentStrategyIsDescribed()
    {
        var doc = V3(new OpenApiService(new KindRegistry()), "apis/apps/v1");

        var strategy = Schema(doc, "io.k8s.api.apps.v1.DeploymentStrategy");
        Assert.Equal("DeploymentStrategy describes how to replace existing pods with new ones.", strategy["description"]!.GetValue<string>());
        Assert.StartsWith("Type of deployment. Can be \"Recreate\" or \"RollingUpdate\".", strategy["properties"]!["type"]!["description"]!.GetValue<string>());
        var rollingUpdate = strategy["properties"]!["rollingUpdate"]!;
        Assert.Equal("#/components/schemas/io.k8s.api.apps.v1.RollingUpdateDeployment", rollingUpdate["allOf"]![0]!["$ref"]!.GetValue<string>());
        Assert.NotNull(rollingUpdate["description"]);

        var spec = Schema(doc, "io.k8s.api.apps.v1.DeploymentSpec");
        Assert.Equal(["selector", "template"], spec["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("retainKeys", spec["properties"]!["strategy"]!["x-kubernetes-patch-strategy"]!.GetValue<string>());

        var maxSurge = Schema(doc, "io.k8s.api.apps.v1.RollingUpdateDeployment")["properties"]!["maxSurge"]!;
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString", maxSurge["allOf"]![0]!["$ref"]!.GetValue<string>());
        Assert.Equal("int-or-string", Schema(doc, "io.k8s.apimachinery.pkg.util.intstr.IntOrString")["format"]!.GetValue<string>());
    }

    [Fact]
    public void TryGetV3_CoreV1_PodSpecHasKubernetesNamesAndMergeKeys()
    {
        var doc = V3(new OpenApiService(new KindRegistry()), "api/v1");

        var podSpec = Schema(doc, "io.k8s.api.core.v1.PodSpec");
        var containers = podSpec["properties"]!["containers"]!;
        Assert.Equal("#/components/schemas/io.k8s.api.core.v1.Container", containers["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal("name", containers["x-kubernetes-patch-merge-key"]!.GetValue<string>());
        Assert.Equal("merge", containers["x-kubernetes-patch-strategy"]!.GetValue<string>());
        Assert.Equal("map", containers["x-kubernetes-list-type"]!.GetValue<string>());
        Assert.Contains("containers", podSpec["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["name"], Schema(doc, "io.k8s.api.core.v1.Container")["required"]!.AsArray().Select(n => n!.GetValue<string>()));

        var limits = Schema(doc, "io.k8s.api.core.v1.ResourceRequirements")["properties"]!["limits"]!;
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity", limits["additionalProperties"]!["$ref"]!.GetValue<string>());
        var created = Schema(doc, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")["properties"]!["creationTimestamp"]!;
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time", created["allOf"]![0]!["$ref"]!.GetValue<string>());
        Assert.Equal("date-time", Schema(doc, "io.k8s.apimachinery.pkg.apis.meta.v1.Time")["format"]!.GetValue<string>());
        Assert.Equal("atomic", Schema(doc, "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector")["x-kubernetes-map-type"]!.GetValue<string>());
        Assert.Equal("Event", Schema(doc, "io.k8s.api.core.v1.Event")["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.NotNull(doc["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}/log"]!["get"]);
        Assert.Equal("connectCoreV1PostNamespacedPodExec",
            doc["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}/exec"]!["post"]!["operationId"]!.GetValue<string>());
        Assert.Equal("listCoreV1Namespace", doc["paths"]!["/api/v1/namespaces"]!["get"]!["operationId"]!.GetValue<string>());
    }

    [Fact]
    public void TryGetV3_PropertyWithoutKubernetesDescription_DoesNotRepeatItsTypeDescription()
    {
        var doc = V3(new OpenApiService(new KindRegistry()), "apis/apiextensions.k8s.io/v1");

        var props = Schema(doc, "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps")["properties"]!;

        Assert.Null(props["additionalProperties"]!["description"]);
        Assert.Equal(V3Schemas + "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
            props["additionalProperties"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(props["x-kubernetes-preserve-unknown-fields"]!["description"]);
    }

    [Fact]
    public void TryGetV3_CustomResource_AppearsInItsGroupVersionDocument()
    {
        var registry = new KindRegistry();
        registry.SetCustomResources([CronTab()]);
        var service = new OpenApiService(registry);

        var doc = V3(service, "apis/stable.example.com/v1");

        var cronTab = Schema(doc, "com.example.stable.v1.CronTab");
        Assert.Equal("CronTab", cronTab["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("string", cronTab["properties"]!["spec"]!["properties"]!["cronSpec"]!["type"]!.GetValue<string>());
        Assert.Equal(V3Schemas + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            cronTab["properties"]!["metadata"]!["allOf"]![0]!["$ref"]!.GetValue<string>());
        Assert.NotNull(Schema(doc, "com.example.stable.v1.CronTabList"));
        var patch = doc["paths"]!["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]!["patch"]!;
        Assert.Equal("patchStableExampleComV1NamespacedCronTab", patch["operationId"]!.GetValue<string>());
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation");
        Assert.DoesNotContain("application/strategic-merge-patch+json", patch["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
        Assert.NotNull(doc["paths"]!["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/scale"]!["put"]);
        var schemas = doc["components"]!["schemas"]!.AsObject();
        Assert.All(Refs(doc), r => Assert.True(schemas.ContainsKey(r[V3Schemas.Length..]), r));
        var index = JsonNode.Parse(service.GetV3Index())!["paths"]!.AsObject();
        Assert.True(index.ContainsKey("apis/stable.example.com/v1"));
    }

    [Fact]
    public void TryGetV3_CustomResourceWithoutSchema_PreservesUnknownFields()
    {
        var registry = new KindRegistry();
        registry.SetCustomResources([CronTab() with { CustomSchema = null }]);

        var cronTab = Schema(V3(new OpenApiService(registry), "apis/stable.example.com/v1"), "com.example.stable.v1.CronTab");

        Assert.True(cronTab["x-kubernetes-preserve-unknown-fields"]!.GetValue<bool>());
        Assert.Equal("object", cronTab["type"]!.GetValue<string>());
    }

    [Fact]
    public void GetV3Index_AfterCustomResourceAdded_ListsItAndKeepsOtherHashes()
    {
        var registry = new KindRegistry();
        var service = new OpenApiService(registry);
        var before = JsonNode.Parse(service.GetV3Index())!["paths"]!.AsObject();
        Assert.False(before.ContainsKey("apis/stable.example.com/v1"));

        registry.SetCustomResources([CronTab()]);
        var after = JsonNode.Parse(service.GetV3Index())!["paths"]!.AsObject();

        Assert.True(after.ContainsKey("apis/stable.example.com/v1"));
        Assert.Equal(before["apis/batch/v1"]!.ToJsonString(), after["apis/batch/v1"]!.ToJsonString());
    }

    [Fact]
    public void GetV2Document_BuiltinRegistry_IsSwagger2WithResolvableRefsAndFieldValidation()
    {
        var registry = new KindRegistry();
        registry.SetCustomResources([CronTab()]);
        var doc = new OpenApiService(registry).GetV2Document();

        Assert.Equal("2.0", doc["swagger"]!.GetValue<string>());
        var definitions = doc["definitions"]!.AsObject();
        foreach (var r in Refs(doc))
        {
            Assert.StartsWith("#/definitions/", r);
            Assert.True(definitions.ContainsKey(r["#/definitions/".Length..]), "unresolved " + r);
        }
        Assert.DoesNotContain("allOf", SchemaKeywords(doc));
        Assert.DoesNotContain("oneOf", SchemaKeywords(doc));
        Assert.DoesNotContain("anyOf", SchemaKeywords(doc));
        Assert.DoesNotContain("nullable", SchemaKeywords(doc));
        var maxSurge = definitions["io.k8s.api.apps.v1.RollingUpdateDeployment"]!["properties"]!["maxSurge"]!;
        Assert.Equal("#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString", maxSurge["$ref"]!.GetValue<string>());
        Assert.Equal("string", definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["type"]!.GetValue<string>());
        var patch = doc["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation" && p["in"]!.GetValue<string>() == "query");
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["in"]!.GetValue<string>() == "body");
        Assert.Contains("application/strategic-merge-patch+json", patch["consumes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.NotNull(definitions["com.example.stable.v1.CronTab"]);
    }

    [Fact]
    public void Generate_AllDocuments_MeasuresTime()
    {
        var registry = new KindRegistry();
        var service = new OpenApiService(registry);

        var total = Stopwatch.StartNew();
        var index = service.GetV3Index();
        var v3 = total.Elapsed;
        var v2 = service.GetV2Json();
        total.Stop();

        var paths = JsonNode.Parse(index)!["paths"]!.AsObject();
        long bytes = 0;
        foreach (var (path, _) in paths)
        {
            Assert.True(service.TryGetV3(path, out var json, out _));
            bytes += json.Length;
        }
        var line = $"OpenAPI generation: {paths.Count} v3 documents ({bytes / 1024} KiB) in {v3.TotalMilliseconds:F0} ms; " +
            $"v2 ({v2.Length / 1024} KiB) in {(total.Elapsed - v3).TotalMilliseconds:F0} ms";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(bytes > 0);
    }

    internal static ResourceInfo CronTab() => new()
    {
        Group = "stable.example.com",
        Version = "v1",
        Resource = "crontabs",
        Kind = "CronTab",
        Singular = "crontab",
        Namespaced = true,
        ShortNames = ["ct"],
        Subresources = ["status", "scale"],
        CustomResourceDefinition = "crontabs.stable.example.com",
        CustomSchema = JsonNode.Parse("""
            {
              "type": "object",
              "description": "A cron tab.",
              "properties": {
                "spec": {
                  "type": "object",
                  "description": "Desired schedule.",
                  "properties": {
                    "cronSpec": { "type": "string", "description": "Cron schedule." },
                    "image": { "type": "string" },
                    "replicas": { "type": "integer", "nullable": true },
                    "port": { "x-kubernetes-int-or-string": true, "anyOf": [{ "type": "integer" }, { "type": "string" }] }
                  },
                  "required": ["cronSpec"]
                },
                "status": { "type": "object", "x-kubernetes-preserve-unknown-fields": true }
              }
            }
            """)!.AsObject(),
    };

    // Every object key in the tree except the names of schema properties (JSONSchemaProps has a property named allOf).
    private static HashSet<string> SchemaKeywords(JsonNode? node)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        Walk(node, inProperties: false);
        return keys;

        void Walk(JsonNode? n, bool inProperties)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        if (!inProperties)
                        {
                            keys.Add(key);
                        }
                        Walk(value, !inProperties && key is "properties" or "definitions" or "paths");
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Walk(item, false);
                    }
                    break;
            }
        }
    }

    private static IEnumerable<string> Refs(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    // A "$ref" whose value is not a string is JSONSchemaProps' property of that name.
                    if (key == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var reference))
                    {
                        yield return reference;
                    }
                    else
                    {
                        foreach (var r in Refs(value))
                        {
                            yield return r;
                        }
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    foreach (var r in Refs(item))
                    {
                        yield return r;
                    }
                }
                break;
        }
    }
}
