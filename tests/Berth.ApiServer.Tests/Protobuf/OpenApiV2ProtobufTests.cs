using System.Text.Json.Nodes;
using Berth.ApiServer.Protobuf;
using YamlDotNet.Serialization;

namespace Berth.ApiServer.Tests.Protobuf;

public sealed class OpenApiV2ProtobufTests
{
    // A slice of kube-apiserver's /openapi/v2: what kubectl's validator, explain and apply read.
    private const string Sample = """
        {
          "swagger": "2.0",
          "info": {"title": "Kubernetes", "version": "v1.33.0"},
          "paths": {
            "/apis/apps/v1/namespaces/{namespace}/deployments/{name}": {
              "get": {
                "description": "read the specified Deployment",
                "consumes": ["*/*"],
                "produces": ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"],
                "schemes": ["https"],
                "tags": ["apps_v1"],
                "operationId": "readAppsV1NamespacedDeployment",
                "responses": {
                  "200": {"description": "OK", "schema": {"$ref": "#/definitions/io.k8s.api.apps.v1.Deployment"}},
                  "401": {"description": "Unauthorized"}
                },
                "x-kubernetes-action": "get",
                "x-kubernetes-group-version-kind": {"group": "apps", "kind": "Deployment", "version": "v1"}
              },
              "put": {
                "operationId": "replaceAppsV1NamespacedDeployment",
                "parameters": [
                  {"in": "body", "name": "body", "required": true, "schema": {"$ref": "#/definitions/io.k8s.api.apps.v1.Deployment"}},
                  {"uniqueItems": true, "type": "string", "description": "dry run", "name": "dryRun", "in": "query"}
                ],
                "responses": {"200": {"$ref": "#/responses/ok"}}
              },
              "parameters": [
                {"uniqueItems": true, "type": "string", "description": "name of the Deployment", "name": "name", "in": "path", "required": true},
                {"$ref": "#/parameters/namespace-vgWSWtn3"}
              ]
            }
          },
          "parameters": {
            "namespace-vgWSWtn3": {"uniqueItems": true, "type": "string", "description": "object name and auth scope", "name": "namespace", "in": "path", "required": true},
            "limit-1NfNmdNH": {"uniqueItems": true, "type": "integer", "name": "limit", "in": "query", "minimum": 0}
          },
          "definitions": {
            "io.k8s.api.apps.v1.Deployment": {
              "description": "Deployment enables declarative updates for Pods and ReplicaSets.",
              "type": "object",
              "properties": {
                "apiVersion": {"description": "APIVersion defines the versioned schema", "type": "string"},
                "kind": {"type": "string"},
                "metadata": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "default": {}},
                "spec": {"$ref": "#/definitions/io.k8s.api.apps.v1.DeploymentSpec", "default": {}}
              },
              "x-kubernetes-group-version-kind": [{"group": "apps", "kind": "Deployment", "version": "v1"}]
            },
            "io.k8s.api.apps.v1.DeploymentSpec": {
              "type": "object",
              "required": ["selector", "template"],
              "properties": {
                "replicas": {"type": "integer", "format": "int32", "minimum": 0},
                "minReadySeconds": {"type": "integer", "format": "int32", "default": 0}
              }
            },
            "io.k8s.api.core.v1.PodSpec": {
              "type": "object",
              "properties": {
                "containers": {
                  "type": "array",
                  "items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container", "default": {}},
                  "x-kubernetes-list-map-keys": ["name"],
                  "x-kubernetes-list-type": "map",
                  "x-kubernetes-patch-merge-key": "name",
                  "x-kubernetes-patch-strategy": "merge"
                },
                "nodeSelector": {"type": "object", "additionalProperties": {"type": "string", "default": ""}, "x-kubernetes-map-type": "atomic"},
                "restartPolicy": {"type": "string", "enum": ["Always", "Never", "OnFailure"]}
              }
            },
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"type": "string", "format": "int-or-string"},
            "io.k8s.apimachinery.pkg.apis.meta.v1.Patch": {"type": "object", "additionalProperties": false},
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": {"x-kubernetes-preserve-unknown-fields": true}
          },
          "securityDefinitions": {
            "BearerToken": {"description": "Bearer Token authentication", "type": "apiKey", "name": "authorization", "in": "header"}
          },
          "security": [{"BearerToken": []}]
        }
        """;

    private static PbMessage EncodeSample() =>
        new(OpenApiV2Protobuf.Encode(JsonNode.Parse(Sample)!.AsObject()));

    private static object? Yaml(PbMessage any) => new DeserializerBuilder().Build().Deserialize<object>(any.Str(2)!);

    private static Dictionary<string, PbMessage> Extensions(PbMessage m, int field) => m.Named(field);

    [Fact]
    public void Encode_Definitions_CarryTypePropertiesRefsAndGroupVersionKind()
    {
        var doc = EncodeSample();
        var definitions = doc.Msg(9).Named(1);

        var deployment = definitions["io.k8s.api.apps.v1.Deployment"];
        Assert.Equal("Deployment enables declarative updates for Pods and ReplicaSets.", deployment.Str(4));
        Assert.Equal(["object"], deployment.Msg(22).Strs(1));
        var properties = deployment.Msg(25).Named(1);
        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], properties.Keys);
        Assert.Equal(["string"], properties["apiVersion"].Msg(22).Strs(1));
        Assert.Equal("#/definitions/io.k8s.api.apps.v1.DeploymentSpec", properties["spec"].Str(1));
        Assert.Equal("{}\n", properties["spec"].Msg(5).Str(2));
        var gvk = Assert.IsType<List<object>>(Yaml(Extensions(deployment, 31)["x-kubernetes-group-version-kind"]));
        var entry = Assert.IsType<Dictionary<object, object>>(Assert.Single(gvk));
        Assert.Equal("apps", entry["group"]);
        Assert.Equal("Deployment", entry["kind"]);
        Assert.Equal("v1", entry["version"]);

        var spec = definitions["io.k8s.api.apps.v1.DeploymentSpec"];
        Assert.Equal(["selector", "template"], spec.Strs(19));
        var replicas = spec.Msg(25).Named(1)["replicas"];
        Assert.Equal("int32", replicas.Str(2));
        Assert.False(replicas.Has(9), "minimum 0 is proto3's default and is not written");
        Assert.Equal("0\n", spec.Msg(25).Named(1)["minReadySeconds"].Msg(5).Str(2));
    }

    [Fact]
    public void Encode_ListAndMapSchemas_CarryItemsAdditionalPropertiesEnumAndPatchExtensions()
    {
        var podSpec = EncodeSample().Msg(9).Named(1)["io.k8s.api.core.v1.PodSpec"].Msg(25).Named(1);

        var containers = podSpec["containers"];
        Assert.Equal("#/definitions/io.k8s.api.core.v1.Container", Assert.Single(containers.Msg(23).All(1)).Str(1));
        var ext = Extensions(containers, 31);
        Assert.Equal(["x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy"],
            ext.Keys);
        Assert.Equal(["name"], Assert.IsType<List<object>>(Yaml(ext["x-kubernetes-list-map-keys"])));
        Assert.Equal("merge", Yaml(ext["x-kubernetes-patch-strategy"]));
        Assert.Equal("name", Yaml(ext["x-kubernetes-patch-merge-key"]));

        var nodeSelector = podSpec["nodeSelector"];
        Assert.Equal(["string"], nodeSelector.Msg(21).Msg(1).Msg(22).Strs(1));
        Assert.Equal("\"\"\n", nodeSelector.Msg(21).Msg(1).Msg(5).Str(2));
        Assert.Equal("atomic", Yaml(Extensions(nodeSelector, 31)["x-kubernetes-map-type"]));

        Assert.Equal(["Always\n", "Never\n", "OnFailure\n"], podSpec["restartPolicy"].All(20).Select(a => a.Str(2)));
    }

    [Fact]
    public void Encode_AdditionalPropertiesFalseAndBareExtensions_AreKept()
    {
        var definitions = EncodeSample().Msg(9).Named(1);

        var patch = definitions["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"].Msg(21);
        Assert.Equal(0UL, patch.Num(2));
        Assert.False(patch.Has(1));
        Assert.Equal("true", Yaml(Extensions(definitions["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON"], 31)
            ["x-kubernetes-preserve-unknown-fields"]));
    }

    [Fact]
    public void Encode_Paths_CarryOperationsParametersAndResponses()
    {
        var doc = EncodeSample();
        Assert.Equal("2.0", doc.Str(1));
        Assert.Equal("Kubernetes", doc.Msg(2).Str(1));
        Assert.Equal("v1.33.0", doc.Msg(2).Str(2));

        var item = doc.Msg(8).Named(2)["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
        var get = item.Msg(2);
        Assert.Equal("readAppsV1NamespacedDeployment", get.Str(5));
        Assert.Equal(["apps_v1"], get.Strs(1));
        Assert.Equal(["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"], get.Strs(6));
        Assert.Equal(["*/*"], get.Strs(7));
        Assert.Equal(["https"], get.Strs(10));
        var responses = get.Msg(9).Named(1);
        Assert.Equal("#/definitions/io.k8s.api.apps.v1.Deployment", responses["200"].Msg(1).Msg(2).Msg(1).Str(1));
        Assert.Equal("Unauthorized", responses["401"].Msg(1).Str(1));
        Assert.Equal("get", Yaml(Extensions(get, 13)["x-kubernetes-action"]));

        var put = item.Msg(3);
        var parameters = put.All(8).ToList();
        var body = parameters[0].Msg(1).Msg(1);
        Assert.Equal(("body", "body", 1UL), (body.Str(2), body.Str(3), body.Num(4)));
        Assert.Equal("#/definitions/io.k8s.api.apps.v1.Deployment", body.Msg(5).Str(1));
        var query = parameters[1].Msg(1).Msg(2).Msg(3);
        Assert.Equal(("dryRun", "query", "string", 1UL), (query.Str(4), query.Str(2), query.Str(6), query.Num(20)));
        Assert.Equal("#/responses/ok", put.Msg(9).Named(1)["200"].Msg(2).Str(1));

        var pathParameters = item.All(9).ToList();
        var name = pathParameters[0].Msg(1).Msg(2).Msg(4);
        Assert.Equal(("name", "path", 1UL, "string", 1UL), (name.Str(4), name.Str(2), name.Num(1), name.Str(5), name.Num(19)));
        Assert.Equal("#/parameters/namespace-vgWSWtn3", pathParameters[1].Msg(2).Str(1));
    }

    [Fact]
    public void Encode_GlobalParametersAndSecurity_AreEncoded()
    {
        var doc = EncodeSample();

        var parameters = doc.Msg(10).Named(1);
        Assert.Equal("namespace", parameters["namespace-vgWSWtn3"].Msg(2).Msg(4).Str(4));
        var limit = parameters["limit-1NfNmdNH"].Msg(2).Msg(3);
        Assert.Equal(("limit", "integer"), (limit.Str(4), limit.Str(6)));
        var bearer = doc.Msg(13).Named(1)["BearerToken"].Msg(2);
        Assert.Equal(("apiKey", "authorization", "header", "Bearer Token authentication"),
            (bearer.Str(1), bearer.Str(2), bearer.Str(3), bearer.Str(4)));
        var requirement = Assert.Single(doc.All(12)).Named(1);
        Assert.Empty(requirement["BearerToken"].Strs(1));
    }
}
