using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Tests.Validation;

public sealed class FieldErrorTests
{
    [Fact]
    public void ToString_RendersValuesAsKubeApiserver()
    {
        Assert.Equal("spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            FieldError.Invalid("spec.replicas", -1L, "must be greater than or equal to 0").ToString());
        Assert.Equal("a: Invalid value: \"tab\\there\": x", FieldError.Invalid("a", "tab\there", "x").ToString());
        Assert.Equal("a: Invalid value: {\"a\":\"1\",\"b\":\"\\u003cx\\u003e\"}: y",
            FieldError.Invalid("a", new Dictionary<string, string> { ["b"] = "<x>", ["a"] = "1" }, "y").ToString());
        Assert.Equal("a: Invalid value: [\"x\",\"y\"]: z", FieldError.Invalid("a", new List<string> { "x", "y" }, "z").ToString());
        Assert.Equal("a: Invalid value: {\"k\":[1,true,null]}: z", FieldError.Invalid("a", JsonNode.Parse("""{"k":[1,true,null]}"""), "z").ToString());
        Assert.Equal("a: Invalid value: null: z", FieldError.Invalid("a", null, "z").ToString());
        Assert.Equal("a: Invalid value: z", FieldError.Invalid("a", FieldError.Omitted, "z").ToString());
        Assert.Equal("a: Required value", FieldError.Required("a").ToString());
        Assert.Equal("a: Unsupported value: \"x\": supported values: \"A\", \"B\"", FieldError.NotSupported("a", "x", ["A", "B"]).ToString());
        Assert.Equal("a: Too many: 21: must have at most 20 items", FieldError.TooMany("a", 21, 20).ToString());
        Assert.Equal("a: Not found: \"v\"", FieldError.NotFound("a", "v").ToString());
    }

    [Fact]
    public void FieldPath_RendersChildrenIndexesAndKeys()
    {
        var p = FieldPath.New("spec").Child("containers").Index(2).Child("resources", "limits").Key("cpu");
        Assert.Equal("spec.containers[2].resources.limits[cpu]", p.ToString());
    }
}
