using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;

namespace Berth.ApiServer.Tests.Patch;

internal static class PatchAssert
{
    public static JsonObject Obj(string json) =>
        JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 1000 })!.AsObject();

    public static byte[] Utf8(string json) => System.Text.Encoding.UTF8.GetBytes(json);

    /// <summary>Structural equality; arrays are order-sensitive, object members are not.</summary>
    public static void Json(string expected, JsonNode? actual)
    {
        var e = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(e, actual), $"expected {e?.ToJsonString()}\n  actual {actual?.ToJsonString()}");
    }

    public static StatusException Fails(Action action, int code)
    {
        var ex = Assert.Throws<StatusException>(action);
        Assert.Equal(code, ex.Code);
        return ex;
    }
}
