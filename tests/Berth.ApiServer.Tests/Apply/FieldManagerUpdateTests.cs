using System.Text.Json.Nodes;
using Berth.ApiServer.Apply;
using static Berth.ApiServer.Tests.Apply.ApplyTestData;

namespace Berth.ApiServer.Tests.Apply;

public sealed class FieldManagerUpdateTests
{
    private static JsonObject Update(JsonObject newObj, JsonObject? oldObj, string manager, DateTime now, string? subresource = null)
    {
        FieldManager.UpdateManagedFields(newObj, oldObj, manager, "apps/v1", Deployment, now, subresource);
        return newObj;
    }

    private static JsonObject Created(string manager = "kubectl-create") => Stored(Update(NginxDeployment(), null, manager, T0));

    private static JsonObject Edit(JsonObject live, Action<JsonObject> change)
    {
        var copy = live.DeepClone().AsObject();
        change(copy);
        return copy;
    }

    [Fact]
    public void UpdateManagedFields_Create_RecordsEverythingLikeKube()
    {
        var obj = Update(NginxDeployment(), null, "kubectl-create", T0);

        var entry = Assert.Single(ManagedFields(obj))!.AsObject();
        Assert.Equal("kubectl-create", (string)entry["manager"]!);
        Assert.Equal("Update", (string)entry["operation"]!);
        Assert.Equal("apps/v1", (string)entry["apiVersion"]!);
        Assert.Equal("2024-05-01T10:00:00Z", (string)entry["time"]!);
        Assert.Equal("FieldsV1", (string)entry["fieldsType"]!);
        Assert.False(entry.ContainsKey("subresource"));
        // New maps and lists own themselves ("."); spec, template and containers always exist in kube's typed object.
        Assert.Equal(Compact("""
            {"f:metadata":{"f:labels":{".":{},"f:app":{}}},
             "f:spec":{"f:replicas":{},"f:selector":{},
              "f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
               "f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},
                "f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}
            """), entry["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public void UpdateManagedFields_ChangedField_MovesToTheWriter()
    {
        var live = Created();
        var edited = Edit(live, o => o["spec"]!["replicas"] = 5);

        Update(edited, live, "kubectl-edit", T1);

        Assert.Equal(["kubectl-create", "kubectl-edit"], Managers(edited));
        Assert.Equal(Compact("""{"f:spec":{"f:replicas":{}}}"""), FieldsV1(edited, "kubectl-edit"));
        Assert.False(Entry(edited, "kubectl-create")["fieldsV1"]!["f:spec"]!.AsObject().ContainsKey("f:replicas"));
        Assert.Equal("2024-05-01T10:00:00Z", (string)Entry(edited, "kubectl-create")["time"]!);
        Assert.Equal("2024-05-01T11:00:00Z", (string)Entry(edited, "kubectl-edit")["time"]!);
    }

    [Fact]
    public void UpdateManagedFields_RemovedField_LeavesEveryone()
    {
        var live = Created();
        var edited = Edit(live, o => o["metadata"]!.AsObject().Remove("labels"));

        Update(edited, live, "kubectl-edit", T1);

        Assert.Null(Entry(edited, "kubectl-create")["fieldsV1"]!["f:metadata"]);
        Assert.Equal(["kubectl-create"], Managers(edited));
    }

    [Fact]
    public void UpdateManagedFields_NothingChanged_KeepsEntriesAndTimes()
    {
        var live = Created();
        var same = live.DeepClone().AsObject();

        Update(same, live, "kubectl-edit", T2);

        Assert.Equal(live.ToJsonString(), same.ToJsonString());
    }

    [Fact]
    public void UpdateManagedFields_SameManagerAgain_MergesIntoItsEntry()
    {
        var live = Created();
        var edited = Update(Edit(live, o => o["spec"]!["replicas"] = 5), live, "kubectl-create", T1);

        Assert.Equal(["kubectl-create"], Managers(edited));
        Assert.Equal("2024-05-01T11:00:00Z", (string)Entry(edited, "kubectl-create")["time"]!);
        Assert.NotNull(Entry(edited, "kubectl-create")["fieldsV1"]!["f:spec"]!["f:replicas"]);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{}]")]
    public void UpdateManagedFields_ResetList_DropsManagedFields(string reset)
    {
        var live = Created();
        var edited = Edit(live, o => o["metadata"]!["managedFields"] = JsonNode.Parse(reset));

        Update(edited, live, "kubectl-edit", T1);

        Assert.False(edited["metadata"]!.AsObject().ContainsKey("managedFields"));
    }

    [Fact]
    public void UpdateManagedFields_ObjectNeverTracked_StaysUntracked()
    {
        var live = Stored(NginxDeployment());
        var edited = Edit(live, o => o["spec"]!["replicas"] = 5);

        Update(edited, live, "kubectl-edit", T1);

        Assert.False(edited["metadata"]!.AsObject().ContainsKey("managedFields"));
    }

    [Fact]
    public void UpdateManagedFields_ClientOmitsManagedFields_KeepsLiveOnes()
    {
        var live = Created();
        var edited = Edit(live, o => o["metadata"]!.AsObject().Remove("managedFields"));

        Update(edited, live, "kubectl-edit", T1);

        Assert.Equal(ManagedFields(live).ToJsonString(), ManagedFields(edited).ToJsonString());
    }

    [Fact]
    public void UpdateManagedFields_ClientEditsManagedFields_TheirVersionIsUsed()
    {
        var live = Created();
        var edited = Edit(live, o => o["metadata"]!["managedFields"]![0]!["manager"] = "renamed");

        Update(edited, live, "kubectl-edit", T1);

        Assert.Equal(["renamed"], Managers(edited));
    }

    [Fact]
    public void UpdateManagedFields_ClientSendsGarbage_FallsBackToLive()
    {
        var live = Created();
        var edited = Edit(live, o => o["metadata"]!["managedFields"] = JsonNode.Parse("""[{"manager":"x","operation":"Delete"}]"""));

        Update(edited, live, "kubectl-edit", T1);

        Assert.Equal(["kubectl-create"], Managers(edited));
    }

    [Fact]
    public void UpdateManagedFields_StatusSubresource_OwnsStatusOnlyAndIgnoresClientEntries()
    {
        var live = Created();
        var edited = Edit(live, o =>
        {
            o["status"] = new JsonObject { ["replicas"] = 3, ["readyReplicas"] = 3 };
            o["metadata"]!["managedFields"] = new JsonArray();
        });

        Update(edited, live, "kube-controller-manager", T1, "status");

        var entry = Entry(edited, "kube-controller-manager");
        Assert.Equal("status", (string)entry["subresource"]!);
        Assert.Equal(Compact("""{"f:status":{"f:readyReplicas":{},"f:replicas":{}}}"""), entry["fieldsV1"]!.ToJsonString());
        Assert.Equal(["kubectl-create", "kube-controller-manager"], Managers(edited));
    }

    [Fact]
    public void UpdateManagedFields_MainResource_NeverOwnsStatus()
    {
        var live = Created();
        var edited = Edit(live, o => o["status"] = new JsonObject { ["replicas"] = 3 });

        Update(edited, live, "kubectl-edit", T1);

        Assert.Equal(["kubectl-create"], Managers(edited));
    }

    [Fact]
    public void UpdateManagedFields_MetadataIdentity_IsNeverOwned()
    {
        var live = Created();
        var edited = Edit(live, o =>
        {
            o["metadata"]!["resourceVersion"] = "2";
            o["metadata"]!["generation"] = 2;
        });

        Update(edited, live, "kubectl-edit", T1);

        Assert.Equal(["kubectl-create"], Managers(edited));
    }

    [Fact]
    public void UpdateManagedFields_MoreThanTenUpdaters_FoldsOldestIntoAncientChanges()
    {
        var live = Created();
        for (var i = 0; i < 11; i++)
        {
            var edited = Edit(live, o => o["metadata"]!["labels"]!["l" + i] = "v");
            Update(edited, live, "writer-" + i, T0.AddMinutes(i + 1));
            live = edited;
        }

        var managers = Managers(live);
        Assert.Equal(10, managers.Count);
        Assert.Contains("ancient-changes", managers);
        Assert.DoesNotContain("kubectl-create", managers);
        Assert.DoesNotContain("writer-0", managers);
        Assert.NotNull(Entry(live, "ancient-changes")["fieldsV1"]!["f:metadata"]!["f:labels"]!["f:l0"]);
    }

    [Fact]
    public void UpdateManagedFields_EmptyManagerName_IsUnknown()
    {
        var obj = Update(NginxDeployment(), null, "", T0);

        Assert.Equal(["unknown"], Managers(obj));
    }

    [Fact]
    public void RevertTimestampOnlyChanges_UndoneChange_RestoresOldTimes()
    {
        var live = Created();
        var edited = Update(Edit(live, o => o["spec"]!["replicas"] = 5), live, "kubectl-create", T1);
        // The strategy put replicas back, as a reset would: only the entry's time still differs.
        edited["spec"]!["replicas"] = 3;

        Assert.True(FieldManager.RevertTimestampOnlyChanges(edited, live));

        Assert.Equal(live.ToJsonString(), edited.ToJsonString());
    }

    [Fact]
    public void RevertTimestampOnlyChanges_RealChange_KeepsNewTimes()
    {
        var live = Created();
        var edited = Update(Edit(live, o => o["spec"]!["replicas"] = 5), live, "kubectl-create", T1);

        Assert.False(FieldManager.RevertTimestampOnlyChanges(edited, live));

        Assert.Equal("2024-05-01T11:00:00Z", (string)Entry(edited, "kubectl-create")["time"]!);
    }

    [Fact]
    public void UpdateManagedFields_ItemWithoutKey_KeepsLiveEntries()
    {
        var live = Created();
        var edited = Edit(live, o => o["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("name"));

        Update(edited, live, "kubectl-edit", T1);

        Assert.Equal(ManagedFields(live).ToJsonString(), ManagedFields(edited).ToJsonString());
    }
}
