// Temporary until the openapi helper's branch lands.
using System.Text.Json.Nodes;
using Berth.Api.Kinds;

namespace Berth.ApiServer.OpenApi;

public sealed class OpenApiService(KindRegistry registry)
{
    public KindRegistry Registry { get; } = registry;

    public byte[] GetV3Index() => "{\"paths\":{}}"u8.ToArray();

    public bool TryGetV3(string path, out byte[] json, out string hash)
    {
        json = [];
        hash = "";
        return false;
    }

    public byte[] GetV2Json() => "{\"swagger\":\"2.0\",\"info\":{\"title\":\"Berth\",\"version\":\"v1.33.0\"},\"paths\":{},\"definitions\":{}}"u8.ToArray();

    public JsonObject GetV2Document() => (JsonObject)JsonNode.Parse(GetV2Json())!;
}
