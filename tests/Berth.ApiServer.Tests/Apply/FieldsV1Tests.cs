using System.Text.Json.Nodes;
using Berth.ApiServer.Apply;

namespace Berth.ApiServer.Tests.Apply;

public sealed class FieldsV1Tests
{
    private const string KubeExample = """
        {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}}}}
        """;

    [Fact]
    public void Decode_ThenEncode_ReproducesKubesBytes()
    {
        var set = FieldsV1.Decode(JsonNode.Parse(KubeExample));

        Assert.Equal(JsonNode.Parse(KubeExample)!.ToJsonString(), FieldsV1.Encode(set).ToJsonString());
    }

    [Fact]
    public void Decode_ListsMembersAsPaths()
    {
        var set = FieldsV1.Decode(JsonNode.Parse(KubeExample));

        Assert.Equal(
            [".metadata.labels", ".metadata.labels.app", ".spec.containers[name=\"nginx\"]", ".spec.containers[name=\"nginx\"].image", ".spec.containers[name=\"nginx\"].name"],
            set.Paths().Select(PathElement.PathString).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Encode_SortsFieldsKeysValuesThenIndices()
    {
        var set = new FieldSet();
        set.Insert([PathElement.Field("b")]);
        set.Insert([PathElement.ForValue(JsonValue.Create("x"))]);
        set.Insert([PathElement.ForIndex(2)]);
        set.Insert([PathElement.ForKey([new("port", JsonValue.Create(80)), new("name", JsonValue.Create("<a>"))])]);
        set.Insert([PathElement.Field("a"), PathElement.Field("c")]);
        set.Insert([PathElement.ForValue(JsonValue.Create(1))]);

        var keys = FieldsV1.Encode(set.Seal()).Select(kv => kv.Key).ToList();

        Assert.Equal(["f:a", "f:b", "k:{\"name\":\"\\u003ca\\u003e\",\"port\":80}", "v:1", "v:\"x\"", "i:2"], keys);
    }

    [Fact]
    public void Decode_UnknownPrefix_IsIgnored()
    {
        var set = FieldsV1.Decode(JsonNode.Parse("""{"f:a":{},"z:future":{},"f:b":{"x:y":{}}}"""));

        Assert.Equal([".a", ".b"], set.Paths().Select(PathElement.PathString));
    }

    [Fact]
    public void Decode_BadKey_Throws()
    {
        Assert.Throws<FormatException>(() => FieldsV1.Decode(JsonNode.Parse("""{"k:{not json":{}}""")));
        Assert.Throws<FormatException>(() => FieldsV1.Decode(JsonNode.Parse("""{"f:a":1}""")));
    }

    [Fact]
    public void SetOperations_BehaveLikeStructuredMergeDiff()
    {
        static FieldSet S(string json) => FieldsV1.Decode(JsonNode.Parse(json));
        var ab = S("""{"f:a":{".":{},"f:b":{}},"f:c":{}}""");
        var a = S("""{"f:a":{}}""");

        Assert.Equal(Compact("""{"f:a":{"f:b":{}},"f:c":{}}"""), FieldsV1.Encode(ab.Difference(a)).ToJsonString());
        Assert.Equal(Compact("""{"f:c":{}}"""), FieldsV1.Encode(ab.RecursiveDifference(a)).ToJsonString());
        Assert.Equal(Compact("""{"f:a":{}}"""), FieldsV1.Encode(ab.Intersection(a)).ToJsonString());
        Assert.True(ab.Union(a).SetEquals(ab));
    }

    private static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();
}
