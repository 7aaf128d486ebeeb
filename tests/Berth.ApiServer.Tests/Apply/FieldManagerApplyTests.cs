using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.ApiServer.Apply;
using static Berth.ApiServer.Tests.Apply.ApplyTestData;

namespace Berth.ApiServer.Tests.Apply;

public sealed class FieldManagerApplyTests
{
    private static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, bool force = false, DateTime? now = null) =>
        FieldManager.Apply(live, applied, manager, force, "apps/v1", Deployment, now ?? T1);

    private static JsonObject Minimal(string body) =>
        Obj("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"BODY}}""".Replace("BODY", body, StringComparison.Ordinal));

    private static JsonObject WithSpec(string spec) => Obj($$"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"},"spec":{{spec}}}
        """);

    [Fact]
    public void Apply_Create_OwnsExactlyTheAppliedFields()
    {
        var result = FieldManager.Apply(null, NginxDeployment(), "kubectl", false, "apps/v1", Deployment, T0);

        Assert.Equal(3, (int)result["spec"]!["replicas"]!);
        var entry = Assert.Single(ManagedFields(result))!.AsObject();
        Assert.Equal(
            Compact("""{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1"}"""),
            Compact(new JsonObject(entry.Where(kv => kv.Key != "fieldsV1").Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))).ToJsonString()));
        Assert.Equal(Compact("""
            {"f:metadata":{"f:labels":{"f:app":{}}},
             "f:spec":{"f:replicas":{},"f:selector":{},
              "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
               "f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},
                "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}
            """), FieldsV1(result, "kubectl"));
    }

    [Fact]
    public void Apply_UnchangedReapply_ReturnsIdenticalBytes()
    {
        var live = ApplyCreate(NginxDeployment(), "kubectl");

        var result = Apply(live, NginxDeployment(), "kubectl", now: T2);

        Assert.Equal(live.ToJsonString(), result.ToJsonString());
    }

    [Fact]
    public void Apply_LabelNoLongerApplied_IsRemoved()
    {
        var live = ApplyCreate(Minimal(""","labels":{"app":"web","tier":"front"}"""), "mgr");

        var result = Apply(live, Minimal(""","labels":{"app":"web"}"""), "mgr");

        Assert.Equal("""{"app":"web"}""", result["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal(Compact("""{"f:metadata":{"f:labels":{"f:app":{}}}}"""), FieldsV1(result, "mgr"));
    }

    [Fact]
    public void Apply_LastLabelNoLongerApplied_RemovesTheEmptyMap()
    {
        var live = ApplyCreate(Minimal(""","labels":{"tier":"front"}"""), "mgr");

        var result = Apply(live, Minimal(""","annotations":{"a":"b"}"""), "mgr");

        Assert.Null(result["metadata"]!["labels"]);
        Assert.Equal("b", (string)result["metadata"]!["annotations"]!["a"]!);
    }

    [Fact]
    public void Apply_TwoManagersDifferentLabels_BothStay()
    {
        var live = ApplyCreate(Minimal(""","labels":{"a":"1"}"""), "alice");

        live = Apply(live, Minimal(""","labels":{"b":"2"}"""), "bob");
        var result = Apply(live, Minimal(""","labels":{"a":"1"}"""), "alice", now: T2);

        Assert.Equal("""{"a":"1","b":"2"}""", result["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal(Compact("""{"f:metadata":{"f:labels":{"f:a":{}}}}"""), FieldsV1(result, "alice"));
        Assert.Equal(Compact("""{"f:metadata":{"f:labels":{"f:b":{}}}}"""), FieldsV1(result, "bob"));
    }

    [Fact]
    public void Apply_SameValueAsOtherManager_SharesOwnership()
    {
        var live = ApplyCreate(WithSpec("""{"replicas":3}"""), "alice");

        var result = Apply(live, WithSpec("""{"replicas":3}"""), "bob");

        Assert.Equal(Compact("""{"f:spec":{"f:replicas":{}}}"""), FieldsV1(result, "alice"));
        Assert.Equal(Compact("""{"f:spec":{"f:replicas":{}}}"""), FieldsV1(result, "bob"));
    }

    [Fact]
    public void Apply_OtherManagersFieldWithNewValue_Conflicts()
    {
        var live = ApplyCreate(WithSpec("""{"replicas":3}"""), "alice");

        var e = Assert.Throws<StatusException>(() => Apply(live, WithSpec("""{"replicas":5}"""), "bob"));

        Assert.Equal(409, e.Code);
        Assert.Equal("Conflict", e.Status.Reason);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas", e.Status.Message);
        var cause = Assert.Single(e.Status.Details.Causes);
        Assert.Equal("FieldManagerConflict", cause.Reason);
        Assert.Equal("conflict with \"alice\"", cause.Message);
        Assert.Equal(".spec.replicas", cause.Field);
    }

    [Fact]
    public void Apply_Force_MovesOwnership()
    {
        var live = ApplyCreate(WithSpec("""{"replicas":3,"minReadySeconds":5}"""), "alice");

        var result = Apply(live, WithSpec("""{"replicas":5}"""), "bob", force: true);

        Assert.Equal(5, (int)result["spec"]!["replicas"]!);
        Assert.Equal(Compact("""{"f:spec":{"f:minReadySeconds":{}}}"""), FieldsV1(result, "alice"));
        Assert.Equal(Compact("""{"f:spec":{"f:replicas":{}}}"""), FieldsV1(result, "bob"));
    }

    [Fact]
    public void Apply_ForcedAwayField_IsKeptWhenTheLoserStopsApplyingIt()
    {
        var live = ApplyCreate(WithSpec("""{"replicas":3}"""), "alice");
        live = Apply(live, WithSpec("""{"replicas":5}"""), "bob", force: true);

        var result = Apply(live, WithSpec("""{"minReadySeconds":1}"""), "alice", now: T2);

        Assert.Equal(5, (int)result["spec"]!["replicas"]!);
    }

    [Fact]
    public void Apply_AfterClientSideUpdate_ConflictsOnReplicas()
    {
        var created = NginxDeployment();
        FieldManager.UpdateManagedFields(created, null, "kubectl-client-side-apply", "apps/v1", Deployment, T0);
        var live = Stored(created);

        var e = Assert.Throws<StatusException>(() => Apply(live, NginxDeployment(replicas: 5), "kubectl"));

        Assert.Equal(409, e.Code);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas", e.Status.Message);
        Assert.Equal("conflict with \"kubectl-client-side-apply\" using apps/v1", Assert.Single(e.Status.Details.Causes).Message);
    }

    [Fact]
    public void Apply_KubectlOverClientSideApply_ForcesFieldsRecordedInLastApplied()
    {
        var created = NginxDeployment();
        created["metadata"]!["annotations"] = new JsonObject
        {
            ["kubectl.kubernetes.io/last-applied-configuration"] = NginxDeployment().ToJsonString(),
        };
        FieldManager.UpdateManagedFields(created, null, "kubectl-client-side-apply", "apps/v1", Deployment, T0);
        var live = Stored(created);

        var result = Apply(live, NginxDeployment(replicas: 5), "kubectl");

        Assert.Equal(5, (int)result["spec"]!["replicas"]!);
        var lastApplied = JsonNode.Parse((string)result["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!)!;
        Assert.Equal(5, (int)lastApplied["spec"]!["replicas"]!);
        Assert.False(Entry(result, "kubectl-client-side-apply")["fieldsV1"]!["f:spec"]!.AsObject().ContainsKey("f:replicas"));
        Assert.True(Entry(result, "kubectl")["fieldsV1"]!["f:spec"]!.AsObject().ContainsKey("f:replicas"));
    }

    [Fact]
    public void Apply_OtherManagerAddsContainer_MergesPerElement()
    {
        var live = ApplyCreate(NginxDeployment(), "alice");
        var sidecar = WithSpec("""{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}""");

        var result = Apply(live, sidecar, "bob");

        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["nginx", "sidecar"], containers.Select(c => (string)c!["name"]!));
        Assert.Equal("nginx:1.25", (string)containers[0]!["image"]!);
        Assert.Equal(Compact("""
            {"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"sidecar\"}":{".":{},"f:image":{},"f:name":{}}}}}}}
            """), FieldsV1(result, "bob"));

        // Bob changing his own container leaves alice's alone.
        var result2 = Apply(result, WithSpec("""{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:2"}]}}}"""), "bob", now: T2);
        var containers2 = result2["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal("nginx:1.25", (string)containers2[0]!["image"]!);
        Assert.Equal("busybox:2", (string)containers2[1]!["image"]!);
    }

    [Fact]
    public void Apply_Ports_KeyedByContainerPortAndProtocol()
    {
        var live = ApplyCreate(WithSpec("""
            {"template":{"spec":{"containers":[{"name":"dns","image":"coredns","ports":[{"containerPort":53,"protocol":"UDP"}]}]}}}
            """), "alice");

        var result = Apply(live, WithSpec("""
            {"template":{"spec":{"containers":[{"name":"dns","ports":[{"containerPort":53,"protocol":"TCP","name":"dns-tcp"}]}]}}}
            """), "bob");

        var ports = result["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]!.AsArray();
        Assert.Equal(["UDP", "TCP"], ports.Select(p => (string)p!["protocol"]!));
        static JsonObject PortsOf(JsonObject obj, string manager) =>
            Entry(obj, manager)["fieldsV1"]!["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"dns\"}"]!["f:ports"]!.AsObject();
        Assert.Equal(["k:{\"containerPort\":53,\"protocol\":\"TCP\"}"], PortsOf(result, "bob").Select(kv => kv.Key));
        Assert.Equal(["k:{\"containerPort\":53,\"protocol\":\"UDP\"}"], PortsOf(result, "alice").Select(kv => kv.Key));
    }

    [Fact]
    public void Apply_Finalizers_AreASet()
    {
        var live = ApplyCreate(Minimal(""","finalizers":["example.com/a"]"""), "alice");

        live = Apply(live, Minimal(""","finalizers":["example.com/b"]"""), "bob");
        Assert.Equal("""["example.com/a","example.com/b"]""", live["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal(Compact("""{"f:metadata":{"f:finalizers":{"v:\"example.com/b\"":{}}}}"""), FieldsV1(live, "bob"));

        var result = Apply(live, Minimal(""), "alice", now: T2);
        Assert.Equal("""["example.com/b"]""", result["metadata"]!["finalizers"]!.ToJsonString());
    }

    [Fact]
    public void Apply_AtomicArgs_ReplacedWholesaleAndOwnedAsOne()
    {
        static JsonObject Args(string args) =>
            WithSpec("""{"template":{"spec":{"containers":[{"name":"app","image":"app","args":ARGS}]}}}""".Replace("ARGS", args, StringComparison.Ordinal));
        var live = ApplyCreate(Args("""["a","b"]"""), "alice");

        var grown = Apply(live, Args("""["a","b","c"]"""), "alice");
        Assert.Equal("""["a","b","c"]""", grown["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.ToJsonString());
        static JsonNode? ArgsOwnership(JsonObject obj, string manager) =>
            Entry(obj, manager)["fieldsV1"]!["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"app\"}"]!["f:args"];
        Assert.Equal("{}", ArgsOwnership(grown, "alice")!.ToJsonString());

        var e = Assert.Throws<StatusException>(() => Apply(grown, Args("""["z"]"""), "bob"));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .spec.template.spec.containers[name=\"app\"].args", e.Status.Message);

        var forced = Apply(grown, Args("""["z"]"""), "bob", force: true);
        Assert.Equal("""["z"]""", forced["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.ToJsonString());
        Assert.Null(ArgsOwnership(forced, "alice"));
        Assert.Equal("{}", ArgsOwnership(forced, "bob")!.ToJsonString());
    }

    [Fact]
    public void Apply_NullValue_UnsetsTheField()
    {
        var live = ApplyCreate(Obj("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","labels":{"app":"web","tier":"front"}},"spec":{"replicas":3}}
            """), "alice");

        var result = Apply(live, Obj("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","labels":{"app":"web","tier":null}},"spec":{"replicas":null}}
            """), "alice");

        Assert.Equal("""{"app":"web"}""", result["metadata"]!["labels"]!.ToJsonString());
        Assert.False(result["spec"]?.AsObject().ContainsKey("replicas") ?? false);
    }

    [Fact]
    public void Apply_NullForOtherManagersField_Conflicts()
    {
        var live = ApplyCreate(WithSpec("""{"replicas":3}"""), "alice");

        var e = Assert.Throws<StatusException>(() => Apply(live, WithSpec("""{"replicas":null}"""), "bob"));

        Assert.Equal(409, e.Code);
    }

    [Fact]
    public void Apply_LiveWithoutManagedFields_AdoptsBeforeFirstApply()
    {
        var live = Stored(NginxDeployment());

        var e = Assert.Throws<StatusException>(() => Apply(live, NginxDeployment(replicas: 5), "mgr"));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"before-first-apply\" using apps/v1: .spec.replicas", e.Status.Message);

        var result = Apply(live, NginxDeployment(), "mgr");
        Assert.Equal(["mgr", "before-first-apply"], Managers(result));
        Assert.Equal("Update", (string)Entry(result, "before-first-apply")["operation"]!);
    }

    [Fact]
    public void Apply_MultipleConflicts_GroupedBySortedManager()
    {
        var live = ApplyCreate(WithSpec("""{"replicas":3}"""), "zed");
        live = Apply(live, WithSpec("""{"minReadySeconds":1,"paused":false}"""), "amy");

        var e = Assert.Throws<StatusException>(() => Apply(live, WithSpec("""{"replicas":4,"minReadySeconds":2,"paused":true}"""), "bob"));

        Assert.Equal(
            "Apply failed with 3 conflicts: conflicts with \"amy\":\n- .spec.minReadySeconds\n- .spec.paused\nconflicts with \"zed\":\n- .spec.replicas",
            e.Status.Message);
        Assert.Equal([".spec.minReadySeconds", ".spec.paused", ".spec.replicas"], e.Status.Details.Causes.Select(c => c.Field));
    }

    [Fact]
    public void Apply_WrongApiVersion_IsBadRequest()
    {
        var applied = NginxDeployment();
        applied["apiVersion"] = "apps/v1beta2";

        var e = Assert.Throws<StatusException>(() => Apply(null, applied, "mgr"));

        Assert.Equal(400, e.Code);
        Assert.Equal("Incorrect version specified in apply patch. Specified patch version: apps/v1beta2, expected: apps/v1", e.Status.Message);
    }

    [Fact]
    public void CheckAppliedType_WrongKind_IsBadRequest()
    {
        var applied = NginxDeployment();
        applied["kind"] = "StatefulSet";

        var e = Assert.Throws<StatusException>(() => FieldManager.CheckAppliedType(applied, "apps/v1", "Deployment"));

        Assert.Equal(400, e.Code);
        Assert.Equal("invalid object type: apps/v1, Kind=StatefulSet", e.Status.Message);
        FieldManager.CheckAppliedType(NginxDeployment(), "apps/v1", "Deployment");
    }

    [Fact]
    public void Apply_ConfigWithManagedFields_IsBadRequest()
    {
        var applied = NginxDeployment();
        applied["metadata"]!["managedFields"] = new JsonArray();

        var e = Assert.Throws<StatusException>(() => Apply(null, applied, "mgr"));

        Assert.Equal(400, e.Code);
        Assert.Equal("metadata.managedFields must be nil", e.Status.Message);
    }

    [Fact]
    public void Apply_DuplicateKeysAndUnknownFields_FailLikeKube()
    {
        var dup = WithSpec("""{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"a","image":"y"}]}}}""");
        var e = Assert.Throws<StatusException>(() => Apply(null, dup, "mgr"));
        Assert.Equal(500, e.Code);
        Assert.Equal(
            "failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name=\"a\"]",
            e.Status.Message);

        var unknown = WithSpec("""{"replicas":"three","bogus":1}""");
        var e2 = Assert.Throws<StatusException>(() => Apply(null, unknown, "mgr"));
        Assert.Equal(
            "failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): errors:\n  .spec.replicas: expected numeric (int or float), got string\n  .spec.bogus: field not declared in schema",
            e2.Status.Message);

        var noKey = WithSpec("""{"template":{"spec":{"containers":[{"image":"x"}]}}}""");
        var e3 = Assert.Throws<StatusException>(() => Apply(null, noKey, "mgr"));
        Assert.EndsWith(".spec.template.spec.containers: element 0: associative list with keys has an element that omits key field \"name\" (and doesn't have default value)", e3.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_StatusOnMainResource_IsNotOwned()
    {
        var applied = WithSpec("""{"replicas":1}""");
        applied["status"] = new JsonObject { ["replicas"] = 1 };

        var result = FieldManager.Apply(null, applied, "mgr", false, "apps/v1", Deployment, T0);

        Assert.Equal(Compact("""{"f:spec":{"f:replicas":{}}}"""), FieldsV1(result, "mgr"));
    }

    [Fact]
    public void Apply_StatusSubresource_RecordsSubresourceAndOwnsStatus()
    {
        var live = ApplyCreate(WithSpec("""{"replicas":1}"""), "mgr");
        var status = Obj("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"},"status":{"replicas":1}}""");

        var result = FieldManager.Apply(live, status, "controller", false, "apps/v1", Deployment, T1, "status");

        var entry = Entry(result, "controller");
        Assert.Equal("status", (string)entry["subresource"]!);
        Assert.Equal(Compact("""{"f:status":{"f:replicas":{}}}"""), entry["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public void Apply_ManagerOrder_FollowsKube()
    {
        var live = ApplyCreate(WithSpec("""{"replicas":1}"""), "zeta", now: T0);
        var updated = live.DeepClone().AsObject();
        updated["spec"]!["minReadySeconds"] = 3;
        FieldManager.UpdateManagedFields(updated, live, "editor", "apps/v1", Deployment, T0);
        live = Apply(updated, WithSpec("""{"paused":true}"""), "alpha", now: T1);

        // Apply entries first, then Update; within an operation by time, then manager name.
        Assert.Equal(["zeta", "alpha", "editor"], Managers(live));
    }

    [Fact]
    public void Apply_ContainerNoLongerApplied_IsRemovedUnlessSomeoneElseOwnsIt()
    {
        static JsonObject Containers(params string[] names) => WithSpec("""{"template":{"spec":{"containers":ITEMS}}}"""
            .Replace("ITEMS", new JsonArray(names.Select(n => (JsonNode?)new JsonObject { ["name"] = n, ["image"] = n }).ToArray()).ToJsonString(), StringComparison.Ordinal));
        var live = ApplyCreate(Containers("app", "sidecar"), "alice");
        live = Apply(live, WithSpec("""{"template":{"spec":{"containers":[{"name":"sidecar","args":["-v"]}]}}}"""), "bob");

        var result = Apply(live, Containers("app"), "alice", now: T2);

        // bob still owns the sidecar item (and its name and args), so only alice's image goes.
        var sidecar = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single(c => (string)c!["name"]! == "sidecar")!;
        Assert.Null(sidecar["image"]);
        Assert.Equal("""["-v"]""", sidecar["args"]!.ToJsonString());

        var alone = Apply(ApplyCreate(Containers("app", "sidecar"), "alice"), Containers("app"), "alice", now: T2);
        Assert.Equal(["app"], alone["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => (string)c!["name"]!));
    }

    [Fact]
    public void Apply_LiveItemWithoutKey_FailsLikeKube()
    {
        var live = Stored(WithSpec("""{"template":{"spec":{"containers":[{"image":"x"}]}}}"""));

        var e = Assert.Throws<StatusException>(() => Apply(live, WithSpec("""{"replicas":1}"""), "mgr"));

        Assert.Equal(500, e.Code);
        Assert.StartsWith("failed to create typed live object (default/nginx; apps/v1, Kind=Deployment): ", e.Status.Message, StringComparison.Ordinal);
    }
}
