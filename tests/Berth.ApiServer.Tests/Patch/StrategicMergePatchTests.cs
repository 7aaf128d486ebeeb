using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Schema;
using Berth.ApiServer.Patch;
using k8s.Models;
using static Berth.ApiServer.Tests.Patch.PatchAssert;

namespace Berth.ApiServer.Tests.Patch;

public sealed class StrategicMergePatchTests
{
    private static readonly TypeSchema DeploymentSchema = TypeSchema.For<V1Deployment>();

    internal const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"default","labels":{"app":"web"},"finalizers":["f1","f2"]},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
           "template":{"metadata":{"labels":{"app":"web"}},
             "spec":{
               "containers":[
                 {"name":"app","image":"nginx:1.24",
                  "ports":[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":443,"protocol":"TCP","name":"https"}],
                  "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                  "args":["--x","--y"]},
                 {"name":"sidecar","image":"busybox","command":["sleep","3600"]}],
               "volumes":[{"name":"data","emptyDir":{}}],
               "tolerations":[{"key":"k","operator":"Exists"}]}}}}
        """;

    private static JsonObject Patch(string patch) => StrategicMergePatch.Apply(Obj(Deployment), Obj(patch), DeploymentSchema);

    private static JsonNode? At(JsonNode node, string path)
    {
        JsonNode? cur = node;
        foreach (var part in path.Split('.'))
        {
            cur = int.TryParse(part, out var i) ? cur![i] : cur![part];
        }
        return cur;
    }

    private static string[] Names(JsonNode list) => list.AsArray().Select(e => (string)e!["name"]!).ToArray();

    [Fact]
    public void Apply_ContainerImage_ChangesOnlyThatContainer()
    {
        // kubectl patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.25"}]}}}}'
        var result = Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.25"}]}}}}""");
        var containers = At(result, "spec.template.spec.containers")!;
        Assert.Equal(["app", "sidecar"], Names(containers));
        Assert.Equal("nginx:1.25", (string)containers[0]!["image"]!);
        Json("""["--x","--y"]""", containers[0]!["args"]);
        Assert.Equal(2, containers[0]!["env"]!.AsArray().Count);
        Json("""{"name":"sidecar","image":"busybox","command":["sleep","3600"]}""", containers[1]);
    }

    [Fact]
    public void Apply_NewContainer_IsPlacedFirst()
    {
        // As in the Kubernetes docs' patch-demo: a container the server lacks goes ahead of the existing ones.
        var result = Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"log","image":"redis"}]}}}}""");
        Assert.Equal(["log", "app", "sidecar"], Names(At(result, "spec.template.spec.containers")!));
    }

    [Fact]
    public void Apply_DeleteDirectiveOnContainer_RemovesIt()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"containers":[{"$patch":"delete","name":"sidecar"}]}}}}""");
        Assert.Equal(["app"], Names(At(result, "spec.template.spec.containers")!));
    }

    [Fact]
    public void Apply_DeleteDirectiveOnEnvVar_RemovesOnlyThatVariable()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","$patch":"delete"}]}]}}}}""");
        Json("""[{"name":"B","value":"2"}]""", At(result, "spec.template.spec.containers.0.env"));
    }

    [Fact]
    public void Apply_PortsByContainerPort_MergeIntoExistingPort()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":80,"name":"web"}]}]}}}}""");
        Json("""[{"containerPort":80,"protocol":"TCP","name":"web"},{"containerPort":443,"protocol":"TCP","name":"https"}]""",
            At(result, "spec.template.spec.containers.0.ports"));
    }

    [Fact]
    public void Apply_SetElementOrderAlone_ReordersContainers()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}]}}}}""");
        Assert.Equal(["sidecar", "app"], Names(At(result, "spec.template.spec.containers")!));
    }

    [Fact]
    public void Apply_KubectlApplyPatch_UpdatesImageAnnotationAndKeepsOrder()
    {
        // What kubectl apply sends after the image changed in the manifest.
        var result = Patch("""
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Deployment\"}\n"}},
             "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
                                         "containers":[{"image":"nginx:1.25","name":"app"}]}}}}
            """);
        Assert.Equal("{\"kind\":\"Deployment\"}\n", (string)At(result, "metadata.annotations")!["kubectl.kubernetes.io/last-applied-configuration"]!);
        Assert.Equal(["app", "sidecar"], Names(At(result, "spec.template.spec.containers")!));
        Assert.Equal("nginx:1.25", (string)At(result, "spec.template.spec.containers.0.image")!);
    }

    [Fact]
    public void Apply_KubectlApplyAddingContainerInTheMiddle_FollowsSetElementOrder()
    {
        var result = Patch("""
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"log"},{"name":"sidecar"}],
                                         "containers":[{"image":"redis","name":"log"}]}}}}
            """);
        Assert.Equal(["app", "log", "sidecar"], Names(At(result, "spec.template.spec.containers")!));
    }

    [Fact]
    public void Apply_KubectlApplyRemovingContainer_DeletesAndKeepsOrder()
    {
        var result = Patch("""
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"}],
                                         "containers":[{"$patch":"delete","name":"app"}]}}}}
            """);
        Assert.Equal(["sidecar"], Names(At(result, "spec.template.spec.containers")!));
    }

    [Fact]
    public void Apply_RetainKeysOnStrategy_SwitchesRollingUpdateToRecreate()
    {
        // kubectl apply's patch when the manifest changes strategy.type to Recreate.
        var result = Patch("""{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"}}}""");
        Json("""{"type":"Recreate"}""", At(result, "spec.strategy"));
    }

    [Fact]
    public void Apply_StrategyTypeWithoutRetainKeys_KeepsRollingUpdate()
    {
        // Without the directive strategy merges like any map (validation then rejects the combination).
        var result = Patch("""{"spec":{"strategy":{"type":"Recreate"}}}""");
        Json("""{"type":"Recreate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}""", At(result, "spec.strategy"));
    }

    [Fact]
    public void Apply_RetainKeysOnVolume_SwitchesVolumeSource()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"volumes":[{"name":"data","$retainKeys":["configMap","name"],"configMap":{"name":"cm"}}]}}}}""");
        Json("""[{"name":"data","configMap":{"name":"cm"}}]""", At(result, "spec.template.spec.volumes"));
    }

    [Fact]
    public void Apply_LabelsMap_MergesAndNullDeletes()
    {
        var result = Patch("""{"metadata":{"labels":{"tier":"front","app":null}}}""");
        Json("""{"tier":"front"}""", At(result, "metadata.labels"));
    }

    [Fact]
    public void Apply_ReplaceDirectiveOnMap_ReplacesWholeMap()
    {
        var result = Patch("""{"metadata":{"labels":{"$patch":"replace","tier":"front"}}}""");
        Json("""{"tier":"front"}""", At(result, "metadata.labels"));
    }

    [Fact]
    public void Apply_DeleteDirectiveOnMap_EmptiesIt()
    {
        var result = Patch("""{"spec":{"strategy":{"$patch":"delete"}}}""");
        Json("{}", At(result, "spec.strategy"));
    }

    [Fact]
    public void Apply_ReplaceDirectiveInList_ReplacesWholeList()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"i"}]}}}}""");
        Json("""[{"name":"only","image":"i"}]""", At(result, "spec.template.spec.containers"));
    }

    [Fact]
    public void Apply_FinalizersSet_UnionInKubeOrder()
    {
        var result = Patch("""{"metadata":{"finalizers":["f3","f1"]}}""");
        Json("""["f3","f1","f2"]""", At(result, "metadata.finalizers"));
    }

    [Fact]
    public void Apply_DeleteFromPrimitiveList_RemovesValues()
    {
        var result = Patch("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["f1","zz"]}}""");
        Json("""["f2"]""", At(result, "metadata.finalizers"));
    }

    [Fact]
    public void Apply_AtomicLists_AreReplaced()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"tolerations":[{"key":"j","operator":"Exists"}],"containers":[{"name":"app","args":["--z"]}]}}}}""");
        Json("""[{"key":"j","operator":"Exists"}]""", At(result, "spec.template.spec.tolerations"));
        Json("""["--z"]""", At(result, "spec.template.spec.containers.0.args"));
    }

    [Fact]
    public void Apply_FieldUnknownToSchema_MergesLikeMergePatch()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"fooBar":{"x":1,"y":null,"l":[1]}}}}}""");
        Json("""{"x":1,"l":[1]}""", At(result, "spec.template.spec.fooBar"));
        result = StrategicMergePatch.Apply(result, Obj("""{"spec":{"template":{"spec":{"fooBar":{"x":null,"l":[2]}}}}}"""), DeploymentSchema);
        Json("""{"l":[2]}""", At(result, "spec.template.spec.fooBar"));
    }

    [Fact]
    public void Apply_NullForAbsentField_IsIgnored()
    {
        var result = Patch("""{"spec":{"paused":null}}""");
        Json(Deployment, result);
    }

    [Fact]
    public void Apply_DirectivesInsideNewValue_AreApplied()
    {
        // The original has no init containers: the directives in the new list still take effect.
        var result = Patch("""{"spec":{"template":{"spec":{"initContainers":[{"name":"x","$patch":"delete"},{"name":"init","image":"i","env":null}]}}}}""");
        Json("""[{"name":"init","image":"i"}]""", At(result, "spec.template.spec.initContainers"));
    }

    [Fact]
    public void Apply_PodStatusConditions_MergeByType()
    {
        var pod = Obj("""{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"PodScheduled","status":"True"}]}}""");
        var result = StrategicMergePatch.Apply(pod, Obj("""{"status":{"conditions":[{"type":"Ready","status":"True"}]}}"""), TypeSchema.For<V1Pod>());
        Json("""{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]}}""", result);
    }

    [Fact]
    public void Apply_ServicePorts_MergeByPort()
    {
        var svc = Obj("""{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":8443}]}}""");
        var result = StrategicMergePatch.Apply(svc, Obj("""{"spec":{"ports":[{"port":443,"targetPort":9443}]}}"""), TypeSchema.For<V1Service>());
        Json("""{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":9443}]}}""", result);
    }

    [Fact]
    public void Apply_EmptyPatchOnRealModel_ReturnsSameObject()
    {
        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = "web", CreationTimestamp = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc) },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Strategy = new V1DeploymentStrategy { RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 1 } },
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "app",
                                Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m") } },
                                LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Port = 8080, Path = "/" } },
                            },
                        ],
                    },
                },
            },
        };
        var node = KubeJson.ToNode(deployment);
        var result = StrategicMergePatch.Apply(node, new JsonObject(), DeploymentSchema);
        Assert.True(JsonNode.DeepEquals(node, result));
    }

    [Fact]
    public void Apply_LargeKeyedListWithManyDeletions_CompletesQuickly()
    {
        // 20000 env vars, every other one deleted and the rest changed: linear work, not quadratic.
        const int n = 20000;
        var env = new JsonArray(Enumerable.Range(0, n).Select(i => (JsonNode)new JsonObject { ["name"] = "V" + i, ["value"] = "a" }).ToArray());
        var original = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["env"] = env }) } };
        var changes = new JsonArray(Enumerable.Range(0, n).Select(i => (JsonNode)(i % 2 == 0
            ? new JsonObject { ["name"] = "V" + i, ["$patch"] = "delete" }
            : new JsonObject { ["name"] = "V" + i, ["value"] = "b" })).ToArray());
        var patch = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["env"] = changes }) } };
        var result = StrategicMergePatch.Apply(original, patch, TypeSchema.For<V1Pod>());
        var merged = At(result, "spec.containers.0.env")!.AsArray();
        Assert.Equal(n / 2, merged.Count);
        Assert.All(merged, e => Assert.Equal("b", (string)e!["value"]!));
    }

    [Fact]
    public void Apply_Inputs_AreNotModified()
    {
        var original = Obj(Deployment);
        var patch = Obj("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"x"},{"name":"new","image":"y"}]}}}}""");
        var patchText = patch.ToJsonString();
        _ = StrategicMergePatch.Apply(original, patch, DeploymentSchema);
        Json(Deployment, original);
        Assert.Equal(patchText, patch.ToJsonString());
    }

    // ---- errors, as kube-apiserver reports them ------------------------------------------------------------

    [Fact]
    public void Apply_ListElementWithoutMergeKey_Returns500WithKubeMessage()
    {
        var ex = Fails(() => Patch("""{"spec":{"template":{"spec":{"containers":[{"image":"b"}]}}}}"""), 500);
        Assert.Null(ex.Status.Reason);
        Assert.Equal("map: map[image:b] does not contain declared merge key: name", ex.Status.Message);
    }

    [Fact]
    public void Apply_ScalarWhereObjectExpected_Returns422Invalid()
    {
        var ex = Fails(() => Patch("""{"spec":"foo"}"""), 422);
        Assert.Equal("Invalid", ex.Status.Reason);
        Assert.Equal(" \"\" is invalid: patch: Invalid value: \"map[spec:foo]\": cannot restore struct from: string", ex.Status.Message);
    }

    [Theory]
    [InlineData("""{"spec":{"template":{"spec":{"containers":{"name":"x"}}}}}""", "cannot restore slice from map")]
    [InlineData("""{"metadata":{"labels":["a"]}}""", "cannot restore map from slice")]
    public void Apply_WrongContainerShape_Returns422Invalid(string patch, string detail)
    {
        var ex = Fails(() => Patch(patch), 422);
        Assert.EndsWith(": " + detail, ex.Status.Message);
    }

    [Theory]
    [InlineData("""{"metadata":{"labels":{"$patch":"bogus"}}}""", "unknown patch type: bogus in map: map[$patch:bogus]")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"$patch":"merge"}]}}}}""", "merging lists cannot yet be specified in the patch")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"$patch":"delete","image":"x"}]}}}}""", "map: map[$patch:delete image:x] does not contain declared merge key: name")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"app"},"x"]}}}}""", "list element types are not identical: [[map[args:[--x --y] env:[map[name:A value:1] map[name:B value:2]] image:nginx:1.24 name:app ports:[map[containerPort:80 name:http protocol:TCP] map[containerPort:443 name:https protocol:TCP]]] map[command:[sleep 3600] image:busybox name:sidecar]] [map[name:app] x]]")]
    [InlineData("""{"spec":{"$setElementOrder/foo":[]}}""", "unable to find api field in struct DeploymentSpec for the json field \"foo\"")]
    [InlineData("""{"spec":{"template":{"spec":{"$setElementOrder/containers":"x"}}}}""", "expected a []interface {}, but received a string")]
    [InlineData("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"app","image":"x"},{"name":"sidecar","image":"y"}]}}}}""",
        "The order in patch list:\n[map[image:x name:app] map[image:y name:sidecar]]\n doesn't match $setElementOrder list:\n[map[name:sidecar] map[name:app]]\n")]
    public void Apply_UnclassifiedMergeFailure_Returns500WithKubeMessage(string patch, string message)
    {
        var ex = Fails(() => Patch(patch), 500);
        Assert.Null(ex.Status.Reason);
        Assert.Equal(message, ex.Status.Message);
    }

    [Theory]
    [InlineData("""{"spec":{"strategy":{"$retainKeys":"type"}}}""", "invalid patch format of retainKeys")]
    [InlineData("""{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{"maxSurge":1}}}}""", "invalid patch format of retainKeys")]
    [InlineData("""{"spec":{"template":{"spec":{"$setElementOrderX/containers":[]}}}}""", "invalid patch format of setElementOrder list")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList":["f1"]}}""", "invalid patch format of primitive list")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/finalizers":"f1"}}""", "invalid patch format of primitive list")]
    public void Apply_BadDirectiveFormat_Returns400(string patch, string message)
    {
        var ex = Fails(() => Patch(patch), 400);
        Assert.Equal(message, ex.Status.Message);
    }

    [Fact]
    public void Apply_ListOfLists_Returns422()
    {
        var deployment = Obj("""{"metadata":{"name":"web","finalizers":[]}}""");
        var ex = Fails(() => StrategicMergePatch.Apply(deployment, Obj("""{"metadata":{"finalizers":[["a"]]}}"""), DeploymentSchema), 422);
        Assert.Equal("the server rejected our request due to an error in our request", ex.Status.Message);
    }

    [Theory]
    [InlineData("[]", 400, "json: cannot unmarshal array into Go value of type map[string]interface {}")]
    [InlineData("{\"spec\":", 400, null)]
    public void Apply_BadPatchBody_Returns400(string body, int code, string? message)
    {
        var ex = Fails(() => StrategicMergePatch.Apply(Obj(Deployment), Utf8(body), DeploymentSchema), code);
        if (message is not null)
        {
            Assert.Equal(message, ex.Status.Message);
        }
    }

    [Fact]
    public void Apply_NullBody_ChangesNothing() =>
        Json(Deployment, StrategicMergePatch.Apply(Obj(Deployment), Utf8("null"), DeploymentSchema));

    [Fact]
    public void Apply_PatchNestedBeyondLimit_Returns400()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", PatchLimits.MaxDepth + 5)) + "1" + new string('}', PatchLimits.MaxDepth + 5);
        Fails(() => StrategicMergePatch.Apply(Obj(Deployment), Obj(deep), DeploymentSchema), 400);
        Fails(() => StrategicMergePatch.Apply(Obj(Deployment), Utf8(deep), DeploymentSchema), 400);
    }
}
