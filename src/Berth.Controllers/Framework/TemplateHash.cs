using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using k8s.Models;

namespace Berth.Controllers.Framework;

/// <summary>
/// Hashes of pod templates and revision data, encoded as Kubernetes encodes them: FNV-32a, printed in
/// decimal, mapped through rand.SafeEncodeString's alphabet (no vowels, no look-alikes). The input is
/// canonical JSON (sorted keys, no nulls or empty collections), so equal templates hash equally.
/// </summary>
public static class TemplateHash
{
    /// <summary>The pod-template-hash label of Deployments' ReplicaSets.</summary>
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>The controller-revision-hash label of StatefulSet and DaemonSet pods and revisions.</summary>
    public const string ControllerRevisionHashLabel = "controller-revision-hash";

    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>controller.ComputeHash: the hash of a pod template and the collision count.</summary>
    public static string Compute(V1PodTemplateSpec template, int? collisionCount) =>
        Compute(KubeJson.ToNode(template), collisionCount);

    /// <summary>The hash of any JSON value and the collision count.</summary>
    public static string Compute(JsonNode? node, int? collisionCount)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, node);
        }
        var hash = Fnv32a(2166136261u, buffer.WrittenSpan);
        if (collisionCount is int c)
        {
            Span<byte> bytes = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)c);
            hash = Fnv32a(hash, bytes);
        }
        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>rand.SafeEncodeString.</summary>
    public static string SafeEncode(string s)
    {
        var chars = new char[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            chars[i] = SafeAlphabet[s[i] % SafeAlphabet.Length];
        }
        return new string(chars);
    }

    /// <summary>
    /// Semantic equality of two templates ignoring the pod-template-hash label (deployment util's
    /// EqualIgnoreHash): nulls, empty lists and empty maps count as absent, as apimachinery's semantic
    /// DeepEqual treats nil and empty alike.
    /// </summary>
    public static bool EqualIgnoreHash(V1PodTemplateSpec? a, V1PodTemplateSpec? b)
    {
        var x = a is null ? null : KubeJson.ToNode(a);
        var y = b is null ? null : KubeJson.ToNode(b);
        (x?["metadata"]?["labels"] as JsonObject)?.Remove(PodTemplateHashLabel);
        (y?["metadata"]?["labels"] as JsonObject)?.Remove(PodTemplateHashLabel);
        return CanonicalBytes(x).AsSpan().SequenceEqual(CanonicalBytes(y));
    }

    /// <summary>True when two JSON values are equal once canonicalized.</summary>
    public static bool SemanticEquals(JsonNode? x, JsonNode? y) => CanonicalBytes(x).AsSpan().SequenceEqual(CanonicalBytes(y));

    public static byte[] CanonicalBytes(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, node);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static uint Fnv32a(uint hash, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return hash;
    }

    private static bool IsEmpty(JsonNode? n) => n switch
    {
        null => true,
        JsonArray a => a.Count == 0,
        JsonObject o => o.All(p => IsEmpty(p.Value)),
        _ => false,
    };

    private static void WriteCanonical(Utf8JsonWriter w, JsonNode? node)
    {
        switch (node)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonObject o:
                w.WriteStartObject();
                foreach (var (k, v) in o.Where(p => !IsEmpty(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(k);
                    WriteCanonical(w, v);
                }
                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var item in a)
                {
                    WriteCanonical(w, item);
                }
                w.WriteEndArray();
                break;
            default:
                node.WriteTo(w);
                break;
        }
    }
}
