// Temporary until the protobuf helper's branch lands.
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Protobuf;

public static class OpenApiV2Protobuf
{
    public const string MediaType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    public static byte[] Encode(JsonObject swagger) => [];
}
