using System.Globalization;
using System.Text.Json;

namespace Berth.ApiServer.Registry;

/// <summary>
/// Puts <c>metadata.resourceVersion</c> into stored JSON without re-serializing it. Objects are stored
/// without a resourceVersion (as etcd stores them for kube-apiserver: the revision is the store's, not
/// the value's), and every read splices the revision in right after <c>"metadata":{</c>.
/// </summary>
public static class ResourceVersionSplice
{
    private static ReadOnlySpan<byte> MetadataName => "metadata"u8;

    /// <summary>Returns a copy of <paramref name="json"/> with resourceVersion set to <paramref name="revision"/>.</summary>
    public static byte[] Splice(ReadOnlySpan<byte> json, long revision)
    {
        Span<byte> number = stackalloc byte[24];
        revision.TryFormat(number, out var n, default, CultureInfo.InvariantCulture);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 512 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("stored object is not a JSON object");
        }
        var insertAt = -1;
        var emptyMetadata = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals(MetadataName);
            reader.Read();
            if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
            {
                insertAt = (int)reader.BytesConsumed;
                reader.Read();
                emptyMetadata = reader.TokenType == JsonTokenType.EndObject;
                break;
            }
            reader.Skip();
        }
        ReadOnlySpan<byte> head = "\"resourceVersion\":\""u8;
        if (insertAt < 0)
        {
            // No metadata at all: add one right after the opening brace.
            ReadOnlySpan<byte> open = "\"metadata\":{"u8;
            var body = json[1..];
            var needsComma = body.TrimStart(" \t\r\n"u8).Length > 0 && body.TrimStart(" \t\r\n"u8)[0] != (byte)'}';
            var result = new byte[json.Length + open.Length + head.Length + n + 2 + (needsComma ? 1 : 0)];
            var w = 0;
            result[w++] = (byte)'{';
            open.CopyTo(result.AsSpan(w));
            w += open.Length;
            head.CopyTo(result.AsSpan(w));
            w += head.Length;
            number[..n].CopyTo(result.AsSpan(w));
            w += n;
            result[w++] = (byte)'"';
            result[w++] = (byte)'}';
            if (needsComma)
            {
                result[w++] = (byte)',';
            }
            body.CopyTo(result.AsSpan(w));
            return result;
        }
        var extra = head.Length + n + 1 + (emptyMetadata ? 0 : 1);
        var output = new byte[json.Length + extra];
        json[..insertAt].CopyTo(output);
        var pos = insertAt;
        head.CopyTo(output.AsSpan(pos));
        pos += head.Length;
        number[..n].CopyTo(output.AsSpan(pos));
        pos += n;
        output[pos++] = (byte)'"';
        if (!emptyMetadata)
        {
            output[pos++] = (byte)',';
        }
        json[insertAt..].CopyTo(output.AsSpan(pos));
        return output;
    }
}
