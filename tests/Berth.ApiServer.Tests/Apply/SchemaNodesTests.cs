using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.ApiServer.Apply;
using static Berth.ApiServer.Tests.Apply.ApplyTestData;

namespace Berth.ApiServer.Tests.Apply;

public sealed class SchemaNodesTests
{
    private static readonly ISchemaNode Widget = SchemaNodes.FromOpenApi(Obj("""
        {"type":"object","properties":{
          "spec":{"type":"object","properties":{
            "size":{"type":"integer"},
            "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["port","protocol"],
              "items":{"type":"object","properties":{"port":{"type":"integer"},"protocol":{"type":"string","default":"TCP"},"name":{"type":"string"}}}},
            "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
            "args":{"type":"array","items":{"type":"string"}},
            "selector":{"type":"object","x-kubernetes-map-type":"atomic","additionalProperties":{"type":"string"}},
            "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
          "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}
        """));

    private static JsonObject Widget_(string spec) => Obj($$"""
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},"spec":{{spec}}}
        """);

    private static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, ISchemaNode schema, bool force = false) =>
        FieldManager.Apply(live, applied, manager, force, "example.com/v1", schema, T1, null, resetFields: null);

    [Fact]
    public void FromOpenApi_MapListWithDefaultedKey_MergesPerItem()
    {
        var live = Apply(null, Widget_("""{"ports":[{"port":80,"name":"http"}]}"""), "alice", Widget);

        var result = Apply(live, Widget_("""{"ports":[{"port":80,"protocol":"UDP","name":"quic"}]}"""), "bob", Widget);

        Assert.Equal("""[{"port":80,"name":"http"},{"port":80,"protocol":"UDP","name":"quic"}]""", result["spec"]!["ports"]!.ToJsonString());
        Assert.Equal(Compact("""{"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:name":{},"f:port":{}}}}}"""), FieldsV1(result, "alice"));
    }

    [Fact]
    public void FromOpenApi_SetAndAtomicList_FollowListType()
    {
        var live = Apply(null, Widget_("""{"tags":["a"],"args":["x"]}"""), "alice", Widget);

        var result = Apply(live, Widget_("""{"tags":["b"]}"""), "bob", Widget);
        Assert.Equal("""["a","b"]""", result["spec"]!["tags"]!.ToJsonString());

        var e = Assert.Throws<StatusException>(() => Apply(result, Widget_("""{"args":["y"]}"""), "bob", Widget));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .spec.args", e.Status.Message);
    }

    [Fact]
    public void FromOpenApi_AtomicMap_IsOwnedWhole()
    {
        var live = Apply(null, Widget_("""{"selector":{"app":"a"}}"""), "alice", Widget);

        Assert.Equal(Compact("""{"f:spec":{"f:selector":{}}}"""), FieldsV1(live, "alice"));
        var e = Assert.Throws<StatusException>(() => Apply(live, Widget_("""{"selector":{"tier":"b"}}"""), "bob", Widget));
        Assert.Equal(409, e.Code);
    }

    [Fact]
    public void FromOpenApi_PreservedUnknownFields_AreGranular()
    {
        var live = Apply(null, Widget_("""{"extra":{"a":{"b":1}}}"""), "alice", Widget);

        var result = Apply(live, Widget_("""{"extra":{"c":[1,2]}}"""), "bob", Widget);

        Assert.Equal("""{"a":{"b":1},"c":[1,2]}""", result["spec"]!["extra"]!.ToJsonString());
        Assert.Equal(Compact("""{"f:spec":{"f:extra":{"f:c":{}}}}"""), FieldsV1(result, "bob"));
    }

    [Fact]
    public void FromOpenApi_UndeclaredField_IsRejected()
    {
        var e = Assert.Throws<StatusException>(() => Apply(null, Widget_("""{"colour":"red"}"""), "alice", Widget));

        Assert.Equal("failed to create typed patch object (default/w; example.com/v1, Kind=Widget): .spec.colour: field not declared in schema", e.Status.Message);
    }

    [Fact]
    public void FromOpenApi_MetadataIsObjectMeta()
    {
        var live = Apply(null, Obj("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","finalizers":["a"]}}"""), "alice", Widget);

        var result = Apply(live, Obj("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","finalizers":["b"]}}"""), "bob", Widget);

        Assert.Equal("""["a","b"]""", result["metadata"]!["finalizers"]!.ToJsonString());
    }

    [Fact]
    public void FromOpenApi_StatusOnMainResource_IsNotOwned()
    {
        var applied = Widget_("""{"size":1}""");
        applied["status"] = new JsonObject { ["ready"] = true };

        var result = Apply(null, applied, "alice", Widget);

        Assert.Equal(Compact("""{"f:spec":{"f:size":{}}}"""), FieldsV1(result, "alice"));
    }

    [Fact]
    public void Deduced_ObjectsGranular_ListsAtomic()
    {
        var live = Apply(null, Widget_("""{"a":{"x":1},"list":[1]}"""), "alice", SchemaNodes.Deduced);

        var result = Apply(live, Widget_("""{"a":{"y":2}}"""), "bob", SchemaNodes.Deduced);
        Assert.Equal("""{"x":1,"y":2}""", result["spec"]!["a"]!.ToJsonString());

        var e = Assert.Throws<StatusException>(() => Apply(result, Widget_("""{"list":[2]}"""), "bob", SchemaNodes.Deduced));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .spec.list", e.Status.Message);
    }

    [Fact]
    public void Deduced_CreateViaUpdate_OwnsNewMapsWithSelf()
    {
        var obj = Widget_("""{"a":1}""");

        FieldManager.UpdateManagedFields(obj, null, "creator", "example.com/v1", SchemaNodes.Deduced, T0, null, resetFields: null);

        // Custom resources have no implicitly present fields: spec is new, so it owns itself.
        Assert.Equal(Compact("""{"f:spec":{".":{},"f:a":{}}}"""), FieldsV1(obj, "creator"));
    }
}
