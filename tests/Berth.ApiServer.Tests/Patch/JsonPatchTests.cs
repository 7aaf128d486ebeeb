using System.Text;
using System.Text.Json.Nodes;
using Berth.ApiServer.Patch;
using static Berth.ApiServer.Tests.Patch.PatchAssert;

namespace Berth.ApiServer.Tests.Patch;

public sealed class JsonPatchTests
{
    private static JsonObject Apply(string original, string patch) => JsonPatch.Apply(Obj(original), Utf8(patch));

    // RFC 6902 appendix A, plus the index rules of Kubernetes' json-patch.
    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"baz":"qux","foo":"bar"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""",
        """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""",
        """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""")]
    [InlineData("""{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux","xyz":123}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"replace","path":"/~1","value":1}]""", """{"/":1,"~1":10}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"copy","from":"/a","path":"/c"}]""", """{"a":{"b":1},"c":{"b":1}}""")]
    [InlineData("""{"a":[1,2,3]}""", """[{"op":"remove","path":"/a/-1"}]""", """{"a":[1,2]}""")]
    [InlineData("""{"a":[1,2,3]}""", """[{"op":"add","path":"/a/-1","value":4}]""", """{"a":[1,2,3,4]}""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/2","value":3}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/b","value":2}]""", """{"a":1,"b":2}""")]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/missing"}]""", """{"a":1}""")]
    [InlineData("""{"a":null}""", """[{"op":"test","path":"/a","value":null}]""", """{"a":null}""")]
    [InlineData("""{"a":1}""", "null", """{"a":1}""")]
    [InlineData("""{"a":1}""", "[]", """{"a":1}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"","value":{"b":2}}]""", """{"b":2}""")]
    public void Apply_ValidOperations_ProduceRfcResult(string original, string patch, string expected) =>
        Json(expected, Apply(original, patch));

    [Fact]
    public void Apply_LabelChangeOnDeployment_LeavesEverythingElse()
    {
        var result = Apply(
            """{"metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":1}}""",
            """[{"op":"replace","path":"/spec/replicas","value":3},{"op":"add","path":"/metadata/labels/tier","value":"front"}]""");
        Json("""{"metadata":{"name":"web","labels":{"app":"web","tier":"front"}},"spec":{"replicas":3}}""", result);
    }

    // Operations that do not apply: kube answers 422 Invalid with a generic message and no causes.
    [Theory]
    [InlineData("""{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":"10"}]""")]
    [InlineData("""{"a":1}""", """[{"op":"remove","path":"/b"}]""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/3","value":3}]""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/-4","value":3}]""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"remove","path":"/a/2"}]""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"replace","path":"/a/x","value":0}]""")]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/a"}]""")]
    [InlineData("""{"a":1}""", """[{"op":"move","from":"/b","path":"/c"}]""")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"move","from":"/a","path":"/a/b/c"}]""")]
    [InlineData("""{"a":1}""", """[{"op":"copy","from":"/b","path":"/c"}]""")]
    [InlineData("""{"a":1}""", """[{"op":"frobnicate","path":"/a"}]""")]
    [InlineData("""{"a":1}""", """[{"path":"/a"}]""")]
    [InlineData("""{"a":1}""", """[{"op":"add","value":1}]""")]
    [InlineData("""{"a":1}""", """[null]""")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"a","value":1}]""")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"","value":1}]""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"","value":1}]""")]
    public void Apply_OperationDoesNotApply_Returns422WithKubeMessage(string original, string patch)
    {
        var ex = Fails(() => Apply(original, patch), 422);
        Assert.Equal("Invalid", ex.Status.Reason);
        Assert.Equal("the server rejected our request due to an error in our request", ex.Status.Message);
        Assert.True(ex.Data.Contains("detail"));
    }

    [Fact]
    public void Apply_FailedTestAfterChange_LeavesOriginalUntouched()
    {
        var original = Obj("""{"spec":{"replicas":1}}""");
        Fails(() => JsonPatch.Apply(original, Utf8("""[{"op":"replace","path":"/spec/replicas","value":5},{"op":"test","path":"/spec/replicas","value":1}]""")), 422);
        Json("""{"spec":{"replicas":1}}""", original);
    }

    [Theory]
    [InlineData("""{"op":"add","path":"/a","value":1}""", "json: cannot unmarshal object into Go value of type jsonpatch.Patch")]
    [InlineData("\"x\"", "json: cannot unmarshal string into Go value of type jsonpatch.Patch")]
    [InlineData("""["add"]""", "json: cannot unmarshal string into Go value of type jsonpatch.Operation")]
    public void Apply_NotAnArrayOfOperations_Returns400(string patch, string message)
    {
        var ex = Fails(() => Apply("""{"a":1}""", patch), 400);
        Assert.Equal("BadRequest", ex.Status.Reason);
        Assert.Equal(message, ex.Status.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[{")]
    [InlineData("[] []")]
    [InlineData("""[{"op":"add","path":"/a","value":1,}]""")]
    public void Apply_MalformedJson_Returns400(string patch) =>
        Fails(() => Apply("""{"a":1}""", patch), 400);

    [Fact]
    public void Apply_MoreThanTenThousandOperations_Returns413()
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i <= PatchLimits.MaxJsonPatchOperations; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("""{"op":"test","path":"/a","value":1}""");
        }
        sb.Append(']');
        var ex = Fails(() => Apply("""{"a":1}""", sb.ToString()), 413);
        Assert.Equal("Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001", ex.Status.Message);
    }

    [Fact]
    public void Apply_CopyDoublingTheObject_StopsAtCopyLimit()
    {
        // Each copy doubles /a; 30 of them would need gigabytes.
        var ops = string.Join(",", Enumerable.Range(0, 30).Select(i => $$"""{"op":"copy","from":"/a","path":"/a/x{{i}}"}"""));
        var ex = Fails(() => Apply("""{"a":{"payload":"0123456789012345678901234567890123456789"}}""", "[" + ops + "]"), 422);
        Assert.Contains("accumulated size increase of copy", (string)ex.Data["detail"]!);
    }

    [Fact]
    public void Apply_PatchNestedBeyondLimit_Returns400()
    {
        var deep = new string('[', PatchLimits.MaxDepth + 1) + new string(']', PatchLimits.MaxDepth + 1);
        Fails(() => Apply("""{"a":1}""", """[{"op":"add","path":"/b","value":""" + deep + "}]"), 400);
    }

    [Fact]
    public void Apply_AddMakingObjectTooDeep_Returns400()
    {
        // Original 200 levels deep; adding a 100-level value at the bottom would exceed the bound.
        var original = Obj("{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 199)) + "1" + new string('}', 200));
        var path = string.Concat(Enumerable.Repeat("/a", 200));
        var value = string.Concat(Enumerable.Repeat("{\"b\":", 100)) + "1" + new string('}', 100);
        Fails(() => JsonPatch.Apply(original, Utf8($$"""[{"op":"add","path":"{{path}}","value":{{value}}}]""")), 400);
    }

    [Fact]
    public void Apply_RepeatedMember_LastValueWins()
    {
        var result = Apply("""{"a":1}""", """[{"op":"add","path":"/b","value":1,"value":2}]""");
        Json("""{"a":1,"b":2}""", result);
    }
}
