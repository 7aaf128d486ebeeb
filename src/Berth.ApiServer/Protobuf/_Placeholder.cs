// Temporary until the protobuf helper's branch lands.
using System.Text.Json.Nodes;
using Berth.Api.Kinds;

namespace Berth.ApiServer.Protobuf;

public static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    public static JsonObject Decode(ReadOnlySpan<byte> body, KindRegistry registry) =>
        throw Berth.Api.Errors.StatusException.UnsupportedMediaType(MediaType);
}
