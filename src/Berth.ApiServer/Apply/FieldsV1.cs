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
    public static FieldSet Decode(JsonNode? fields)
    {
        if (fields is null)
        {
            return FieldSet.Empty;
        }
        if (fields is not JsonObject o)
        {
            throw new FormatException("fieldsV1 must be a JSON object");
        }
        return Read(o, out _)?.Seal() ?? FieldSet.Empty;
    }

    private static FieldSet? Read(JsonObject o, out bool isMember)
    {
        isMember = false;
        FieldSet? children = null;
        foreach (var (key, value) in o)
        {
            if (key == ".")
            {
                isMember = true;
                continue;
            }
            var pe = PathElement.Deserialize(key);
            if (pe is null)
            {
                continue;
            }
            if (value is not JsonObject child)
            {
                throw new FormatException($"expected an object for {key}");
            }
            var grandchildren = Read(child, out var childIsMember);
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
            isMember = true;
        }
        return children;
    }
}
