using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// The <c>FieldsV1</c> encoding of a <see cref="FieldSet"/> (structured-merge-diff's <c>Set.ToJSON</c>/<c>FromJSON</c>):
/// one object per level whose keys are serialized path elements in sort order; <c>{}</c> for a member with
/// nothing below, and a <c>"."</c> entry first when a path element is both a member and a parent.
/// </summary>
internal static class FieldsV1
{
    public static JsonObject Encode(FieldSet set) => Emit(set, includeSelf: false);

    private static JsonObject Emit(FieldSet set, bool includeSelf)
    {
        var o = new JsonObject();
        if (includeSelf && (set.MemberCount > 0 || set.ChildCount > 0))
        {
            o["."] = new JsonObject();
        }
        int mi = 0, ci = 0;
        while (mi < set.MemberCount && ci < set.ChildCount)
        {
            var m = set.MemberAt(mi);
            var c = set.ChildAt(ci);
            var cmp = m.CompareTo(c.Pe);
            if (cmp < 0)
            {
                o[m.Serialized] = new JsonObject();
                mi++;
            }
            else if (cmp > 0)
            {
                o[c.Pe.Serialized] = Emit(c.Set, includeSelf: false);
                ci++;
            }
            else
            {
                o[c.Pe.Serialized] = Emit(c.Set, includeSelf: true);
                mi++;
                ci++;
            }
        }
        for (; mi < set.MemberCount; mi++)
        {
            o[set.MemberAt(mi).Serialized] = new JsonObject();
        }
        for (; ci < set.ChildCount; ci++)
        {
            var c = set.ChildAt(ci);
            o[c.Pe.Serialized] = Emit(c.Set, includeSelf: false);
        }
        return o;
    }

    /// <summary>Decodes a fieldsV1 object; unknown path-element prefixes are skipped, as kube does.</summary>
    /// <exception cref="FormatException">Not a fieldsV1 object, or a key with a known prefix fails to parse.</exception>
    public static FieldSet Decode(JsonNode? fields) => Decode(fields, out _);

    /// <summary>Decodes, and tells whether <paramref name="fields"/> is exactly what <see cref="Encode"/> would write.</summary>
    public static FieldSet Decode(JsonNode? fields, out bool canonical)
    {
        canonical = false;
        if (fields is null)
        {
            return FieldSet.Empty;
        }
        if (fields is not JsonObject)
        {
            throw new FormatException("fieldsV1 must be a JSON object");
        }
        // Streaming the bytes avoids materializing a JsonObject per path element of a stored object.
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            fields.WriteTo(writer);
        }
        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        try
        {
            reader.Read();
            canonical = true;
            return Read(ref reader, out _, ref canonical)?.Seal() ?? FieldSet.Empty;
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    // Keys of stored objects repeat from write to write: look them up without allocating a string.
    private static string ReadKey(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            var n = reader.CopyString(chars);
            if (PathElement.TryGetCachedKey(chars[..n], out var cached))
            {
                return cached;
            }
            return new string(chars[..n]);
        }
        return reader.GetString()!;
    }

    // The reader is on a StartObject; on return it is on the matching EndObject.
    private static FieldSet? Read(ref Utf8JsonReader reader, out bool isMember, ref bool canonical)
    {
        isMember = false;
        FieldSet? children = null;
        PathElement? previous = null;
        var index = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = ReadKey(ref reader);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException($"expected an object for {key}");
            }
            if (key == ".")
            {
                isMember = true;
                reader.Skip();
                // "." comes first and only next to children; a lone {".":{}} is written as {}.
                canonical &= index == 0;
                index++;
                continue;
            }
            index++;
            var pe = PathElement.Deserialize(key);
            if (pe is null)
            {
                canonical = false;
                reader.Skip();
                continue;
            }
            canonical &= pe.Serialized == key && (previous is null || previous.CompareTo(pe) < 0);
            previous = pe;
            var grandchildren = Read(ref reader, out var childIsMember, ref canonical);
            if (childIsMember)
            {
                (children ??= new FieldSet()).AddMember(pe);
            }
            if (grandchildren is not null)
            {
                (children ??= new FieldSet()).AddChild(pe, grandchildren);
            }
        }
        if (children is null)
        {
            canonical &= !isMember;
            isMember = true;
        }
        return children;
    }
}
