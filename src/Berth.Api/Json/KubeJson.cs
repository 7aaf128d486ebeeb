using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace Berth.Api.Json;

/// <summary>
/// Kubernetes JSON for the <c>k8s.Models</c> types: the KubernetesClient package's own serializer
/// options (RFC 3339 times, quantities, int-or-string), reused so our bytes match the client's.
/// </summary>
public static class KubeJson
{
    /// <summary>The options KubernetesClient uses; read-only after first use. Thread-safe.</summary>
    public static JsonSerializerOptions Options { get; } = CaptureOptions();

    private static JsonSerializerOptions CaptureOptions()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(o => captured = o);
        if (captured is null)
        {
            throw new InvalidOperationException("KubernetesJson did not expose its options");
        }
        // The package's V1Status converter reads either a Status or an object but cannot write; a server
        // writes Status objects all the time, so use the plain (generated) form for V1Status.
        var copy = new JsonSerializerOptions(captured);
        for (var i = copy.Converters.Count - 1; i >= 0; i--)
        {
            if (copy.Converters[i].GetType().Name == "V1StatusObjectViewConverter")
            {
                copy.Converters.RemoveAt(i);
            }
        }
        copy.MakeReadOnly(populateMissingResolver: true);
        return copy;
    }

    public static byte[] SerializeToUtf8(object value, Type type) => JsonSerializer.SerializeToUtf8Bytes(value, type, Options);

    public static byte[] SerializeToUtf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static void Serialize(IBufferWriter<byte> output, object value, Type type)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, value, type, Options);
    }

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize<T>(utf8, Options)!;

    public static object Deserialize(ReadOnlySpan<byte> utf8, Type type) => JsonSerializer.Deserialize(utf8, type, Options)!;

    public static T Deserialize<T>(JsonNode node) => node.Deserialize<T>(Options)!;

    public static object Deserialize(JsonNode node, Type type) => node.Deserialize(type, Options)!;

    public static JsonObject ToNode(object value, Type type) =>
        JsonSerializer.SerializeToNode(value, type, Options)!.AsObject();

    public static JsonObject ToNode<T>(T value) => ToNode(value!, typeof(T));

    /// <summary>Parses UTF-8 JSON into a mutable object, rejecting anything but a JSON object.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8)
    {
        var node = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        return node as JsonObject ?? throw new JsonException("expected a JSON object");
    }

    /// <summary>Compact UTF-8 bytes of a node.</summary>
    public static byte[] ToBytes(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
