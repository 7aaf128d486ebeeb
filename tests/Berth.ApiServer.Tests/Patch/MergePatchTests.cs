using System.Text.Json.Nodes;
using Berth.ApiServer.Patch;
using static Berth.ApiServer.Tests.Patch.PatchAssert;

namespace Berth.ApiServer.Tests.Patch;

public sealed class MergePatchTests
{
    // RFC 7386 appendix A (the cases whose target and result are objects).
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", "{}")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("{}", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    [InlineData("""{"a":"x"}""", """{"a":{"b":null,"c":1}}""", """{"a":{"c":1}}""")]
    public void Apply_Rfc7386Examples_ProduceRfcResult(string original, string patch, string expected) =>
        Json(expected, MergePatch.Apply(Obj(original), Utf8(patch)));

    [Fact]
    public void Apply_KubectlPatchTypeMerge_ReplacesContainerListWhole()
    {
        // Unlike strategic merge, a merge patch replaces the containers list: the second container is gone.
        var result = MergePatch.Apply(
            Obj("""{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}}}"""),
            Utf8("""{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"z"}]}}}}"""));
        Json("""{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"z"}]}}}}""", result);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"bar\"")]
    [InlineData("42")]
    [InlineData("{")]
    [InlineData("")]
    public void Apply_NullScalarOrMalformedPatch_Returns400InvalidJsonPatch(string patch)
    {
        var ex = Fails(() => MergePatch.Apply(Obj("""{"a":"foo"}"""), Utf8(patch)), 400);
        Assert.Equal("Invalid JSON Patch", ex.Status.Message);
    }

    [Fact]
    public void Apply_ArrayPatch_Returns422InvalidPatch()
    {
        var ex = Fails(() => MergePatch.Apply(Obj("""{"a":"b"}"""), Utf8("""["c"]""")), 422);
        Assert.Equal("Invalid", ex.Status.Reason);
        Assert.StartsWith(" \"\" is invalid: patch: Invalid value: \"[\\\"c\\\"]\"", ex.Status.Message);
        Assert.Equal("patch", Assert.Single(ex.Status.Details!.Causes!).Field);
    }

    [Fact]
    public void Apply_Original_IsNotModified()
    {
        var original = Obj("""{"a":{"b":1}}""");
        var result = MergePatch.Apply(original, Utf8("""{"a":{"b":2,"c":3}}"""));
        Json("""{"a":{"b":1}}""", original);
        Json("""{"a":{"b":2,"c":3}}""", result);
    }

    [Fact]
    public void Apply_PatchNestedBeyondLimit_Returns400()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", PatchLimits.MaxDepth + 1)) + "1" + new string('}', PatchLimits.MaxDepth + 1);
        Fails(() => MergePatch.Apply(Obj("{}"), Utf8(deep)), 400);
    }

    [Theory]
    [InlineData("""{"a":1,"b":{"c":2,"d":[1,2]}}""", """{"a":1,"b":{"c":3,"d":[1,2]}}""", """{"b":{"c":3}}""")]
    [InlineData("""{"a":1,"b":2}""", """{"a":1}""", """{"b":null}""")]
    [InlineData("""{"a":[1,2]}""", """{"a":[2,1]}""", """{"a":[2,1]}""")]
    [InlineData("""{"a":{"x":1}}""", """{"a":"s"}""", """{"a":"s"}""")]
    [InlineData("""{"a":1}""", """{"a":1}""", "{}")]
    public void CreateMergePatch_TwoObjects_ReturnsMinimalPatch(string original, string modified, string expected) =>
        Json(expected, MergePatch.CreateMergePatch(Obj(original), Obj(modified)));

    [Fact]
    public void CreateMergePatch_NonObject_Throws() =>
        Assert.Throws<ArgumentException>(() => MergePatch.CreateMergePatch(new JsonArray(), Obj("{}")));
}
