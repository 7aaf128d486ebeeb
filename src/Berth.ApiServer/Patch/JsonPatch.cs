using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;

namespace Berth.ApiServer.Patch;

/// <summary>
/// JSON Patch (RFC 6902, <c>application/json-patch+json</c>) as kube-apiserver applies it with
/// evanphx/json-patch v4: operations run in order on a copy, the first failure aborts the whole patch.
/// </summary>
/// <remarks>
/// Kubernetes behaviours kept on purpose: negative array indexes count from the end (<c>-1</c> is the last
/// element; for <c>add</c>, <c>-1</c> appends); <c>replace</c> of a missing object member adds it; a
/// <c>test</c> against a missing member passes when the expected value is absent or null; a JSON
/// <c>null</c> patch is an empty patch. Errors: malformed JSON or a non-array patch is 400, more than
/// 10000 operations is 413, an operation that does not apply is 422 with kube's generic message.
/// Deviations: a path that does not start with <c>/</c> is an error (kube treats <c>a/b</c> as <c>/b</c>),
/// and <c>copy</c> from a missing member fails (kube copies a null).
/// </remarks>
public static class JsonPatch
{
    /// <summary>Applies the patch to a copy of <paramref name="original"/>; the inputs are not modified.</summary>
    /// <exception cref="StatusException">Always, for any failure; no other exception escapes.</exception>
    public static JsonObject Apply(JsonObject original, ReadOnlySpan<byte> patchJson)
    {
        ArgumentNullException.ThrowIfNull(original);
        try
        {
            var ops = Decode(patchJson);
            JsonNode root = original.DeepClone();
            long copied = 0;
            foreach (var op in ops)
            {
                root = ApplyOne(root, op, ref copied);
            }
            return root as JsonObject
                ?? throw PatchErrors.InvalidPatch(root.ToJsonString(),
                    "json: cannot unmarshal array into Go value of type map[string]interface {}");
        }
        catch (StatusException)
        {
            throw;
        }
        catch (InsufficientExecutionStackException)
        {
            throw PatchErrors.TooDeep();
        }
        catch (Exception e)
        {
            throw PatchErrors.Internal(e);
        }
    }

    private static List<JsonObject?> Decode(ReadOnlySpan<byte> patchJson)
    {
        JsonNode? parsed;
        try
        {
            parsed = PatchJson.Parse(patchJson);
        }
        catch (JsonException e)
        {
            throw PatchErrors.BadRequest(e.Message);
        }
        // Go decodes a JSON null into an empty patch.
        if (parsed is null)
        {
            return [];
        }
        if (parsed is not JsonArray array)
        {
            throw PatchErrors.BadRequest($"json: cannot unmarshal {GoFormat.JsonKind(parsed)} into Go value of type jsonpatch.Patch");
        }
        var ops = new List<JsonObject?>(array.Count);
        foreach (var item in array)
        {
            if (item is not null and not JsonObject)
            {
                throw PatchErrors.BadRequest($"json: cannot unmarshal {GoFormat.JsonKind(item)} into Go value of type jsonpatch.Operation");
            }
            ops.Add((JsonObject?)item);
        }
        if (ops.Count > PatchLimits.MaxJsonPatchOperations)
        {
            throw PatchErrors.TooManyOperations(ops.Count);
        }
        return ops;
    }

    private static JsonNode ApplyOne(JsonNode root, JsonObject? op, ref long copied)
    {
        var kind = op is not null && op.TryGetPropertyValue("op", out var k) && k is JsonValue kv
            && kv.GetValueKind() == JsonValueKind.String ? kv.GetValue<string>() : "unknown";
        switch (kind)
        {
            case "add":
                Add(root, op!);
                return root;
            case "remove":
                Remove(root, op!);
                return root;
            case "replace":
                return Replace(root, op!);
            case "move":
                Move(root, op!);
                return root;
            case "copy":
                Copy(root, op!, ref copied);
                return root;
            case "test":
                Test(root, op!);
                return root;
            default:
                throw PatchErrors.Unprocessable("Unexpected kind: " + kind);
        }
    }

    private static void Add(JsonNode root, JsonObject op)
    {
        var path = RequiredString(op, "path", "add operation failed to decode path");
        var (container, key, depth) = Find(root, path)
            ?? throw PatchErrors.Unprocessable($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        var value = Value(op);
        CheckDepth(depth, value);
        Insert(container, key, value?.DeepClone(), path, "error in add for path");
    }

    private static void Remove(JsonNode root, JsonObject op)
    {
        var path = RequiredString(op, "path", "remove operation failed to decode path");
        var (container, key, _) = Find(root, path)
            ?? throw PatchErrors.Unprocessable($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        Delete(container, key, $"error in remove for path: '{path}'");
    }

    private static JsonNode Replace(JsonNode root, JsonObject op)
    {
        var path = RequiredString(op, "path", "replace operation failed to decode path");
        var value = Value(op);
        if (path.Length == 0)
        {
            return value is JsonObject or JsonArray
                ? value.DeepClone()
                : throw PatchErrors.Unprocessable("replace operation value must be object or array");
        }
        var (container, key, depth) = Find(root, path)
            ?? throw PatchErrors.Unprocessable($"replace operation does not apply: doc is missing path: {path}: missing value");
        CheckDepth(depth, value);
        switch (container)
        {
            case JsonObject o:
                // Kubernetes' json-patch replaces a missing member as if it were added.
                o[key] = value?.DeepClone();
                break;
            case JsonArray a:
                var i = ExistingIndex(a, key)
                    ?? throw PatchErrors.Unprocessable($"replace operation does not apply: doc is missing key: {path}: missing value");
                a[i] = value?.DeepClone();
                break;
        }
        return root;
    }

    private static void Move(JsonNode root, JsonObject op)
    {
        var from = RequiredString(op, "from", "move operation failed to decode from");
        var (source, sourceKey, _) = Find(root, from)
            ?? throw PatchErrors.Unprocessable($"move operation does not apply: doc is missing from path: {from}: missing value");
        _ = Get(source, sourceKey, $"error in move for path: '{sourceKey}'");
        var value = Detach(source, sourceKey, $"error in move for path: '{sourceKey}'");
        var path = RequiredString(op, "path", "move operation failed to decode path");
        var (target, key, depth) = Find(root, path)
            ?? throw PatchErrors.Unprocessable($"move operation does not apply: doc is missing destination path: {path}: missing value");
        CheckDepth(depth, value);
        Insert(target, key, value, path, "error in move for path");
    }

    private static void Copy(JsonNode root, JsonObject op, ref long copied)
    {
        var from = RequiredString(op, "from", "copy operation failed to decode from");
        var (source, sourceKey, _) = Find(root, from)
            ?? throw PatchErrors.Unprocessable($"copy operation does not apply: doc is missing from path: {from}: missing value");
        var (found, value) = Get(source, sourceKey, $"error in copy for from: '{from}'");
        if (!found)
        {
            throw PatchErrors.Unprocessable($"copy operation does not apply: doc is missing from path: {from}: missing value");
        }
        var path = RequiredString(op, "path", "copy operation failed to decode path");
        var (target, key, depth) = Find(root, path)
            ?? throw PatchErrors.Unprocessable($"copy operation does not apply: doc is missing destination path: {path}: missing value");
        CheckDepth(depth, value);
        copied += PatchJson.SerializedSize(value);
        if (copied > PatchLimits.MaxCopyBytes)
        {
            throw PatchErrors.Unprocessable(
                $"Unable to complete the copy, the accumulated size increase of copy is {copied}, exceeding the limit {PatchLimits.MaxCopyBytes}");
        }
        Insert(target, key, value?.DeepClone(), path, "error while adding value during copy");
    }

    private static void Test(JsonNode root, JsonObject op)
    {
        var path = RequiredString(op, "path", "test operation failed to decode path");
        var hasExpected = op.TryGetPropertyValue("value", out var expected);
        JsonNode? actual;
        if (path.Length == 0)
        {
            actual = root;
        }
        else
        {
            var (container, key, _) = Find(root, path)
                ?? throw PatchErrors.Unprocessable($"test operation does not apply: is missing path: {path}: missing value");
            (_, actual) = Get(container, key, $"error in test for path: '{path}'");
        }
        // Like kube, a missing member and a null member are the same, and match an absent or null value.
        var ok = actual is null ? expected is null : hasExpected && JsonNode.DeepEquals(actual, expected);
        if (!ok)
        {
            throw PatchErrors.Unprocessable($"testing value {path} failed: test failed");
        }
    }

    private static string RequiredString(JsonObject op, string member, string failure)
    {
        if (!op.TryGetPropertyValue(member, out var node) || node is null)
        {
            throw PatchErrors.Unprocessable(
                $"{failure}: operation{(member == "from" ? "," : "")} missing {member} field: missing value");
        }
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            throw PatchErrors.Unprocessable($"{failure}: json: cannot unmarshal {GoFormat.JsonKind(node)} into Go value of type string");
        }
        return v.GetValue<string>();
    }

    private static JsonNode? Value(JsonObject op) => op.TryGetPropertyValue("value", out var v) ? v : null;

    // Where a path ends: the object or array holding the last token, the token, and how many containers
    // lie above the value (the value's own depth adds to it).
    private static (JsonNode Container, string Key, int Depth)? Find(JsonNode root, string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            return null;
        }
        var tokens = path[1..].Split('/');
        var current = root;
        for (var t = 0; t < tokens.Length - 1; t++)
        {
            var token = Unescape(tokens[t]);
            JsonNode? next;
            switch (current)
            {
                case JsonObject o:
                    if (!o.TryGetPropertyValue(token, out next))
                    {
                        return null;
                    }
                    break;
                case JsonArray a:
                    var i = ExistingIndex(a, token);
                    if (i is null)
                    {
                        return null;
                    }
                    next = a[i.Value];
                    break;
                default:
                    return null;
            }
            if (next is not (JsonObject or JsonArray))
            {
                return null;
            }
            current = next;
        }
        return (current, Unescape(tokens[^1]), tokens.Length);
    }

    // RFC 6901: "~1" is "/", then "~0" is "~" (so "~01" is "~1").
    private static string Unescape(string token) =>
        token.Contains('~', StringComparison.Ordinal) ? token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal) : token;

    // Go's strconv.Atoi: optional sign, decimal digits.
    private static bool TryParseIndex(string token, out long index) =>
        long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out index);

    // An index of an existing element, negative ones counted from the end; null when out of range or not a number.
    private static int? ExistingIndex(JsonArray a, string token)
    {
        if (!TryParseIndex(token, out var i))
        {
            return null;
        }
        if (i < 0)
        {
            i += a.Count;
        }
        return i >= 0 && i < a.Count ? (int)i : null;
    }

    private static (bool Found, JsonNode? Value) Get(JsonNode container, string key, string context)
    {
        switch (container)
        {
            case JsonObject o:
                return o.TryGetPropertyValue(key, out var v) ? (true, v) : (false, null);
            default:
                var a = (JsonArray)container;
                var i = ExistingIndex(a, key) ?? throw InvalidIndex(a, key, context);
                return (true, a[i]);
        }
    }

    private static void Insert(JsonNode container, string key, JsonNode? value, string path, string context)
    {
        switch (container)
        {
            case JsonObject o:
                o[key] = value;
                break;
            default:
                var a = (JsonArray)container;
                if (key == "-")
                {
                    a.Add(value);
                    return;
                }
                if (!TryParseIndex(key, out var i))
                {
                    throw PatchErrors.Unprocessable($"{context}: '{path}': value was not a proper array index: '{key}'");
                }
                var size = a.Count + 1;
                if (i >= size || i < -size)
                {
                    throw PatchErrors.Unprocessable($"{context}: '{path}': Unable to access invalid index: {i}: invalid index referenced");
                }
                a.Insert((int)(i < 0 ? i + size : i), value);
                break;
        }
    }

    private static void Delete(JsonNode container, string key, string context) => Detach(container, key, context);

    private static JsonNode? Detach(JsonNode container, string key, string context)
    {
        switch (container)
        {
            case JsonObject o:
                if (!o.TryGetPropertyValue(key, out var v))
                {
                    throw PatchErrors.Unprocessable($"{context}: Unable to remove nonexistent key: {key}: missing value");
                }
                o.Remove(key);
                return v;
            default:
                var a = (JsonArray)container;
                var i = ExistingIndex(a, key) ?? throw InvalidIndex(a, key, context);
                var item = a[i];
                a.RemoveAt(i);
                return item;
        }
    }

    private static StatusException InvalidIndex(JsonArray a, string key, string context) =>
        TryParseIndex(key, out var i)
            ? PatchErrors.Unprocessable($"{context}: Unable to access invalid index: {i}: invalid index referenced")
            : PatchErrors.Unprocessable($"{context}: strconv.Atoi: parsing {GoFormat.Quote(key)}: invalid syntax");

    private static void CheckDepth(int containersAbove, JsonNode? value)
    {
        if (containersAbove + PatchJson.Depth(value) > PatchLimits.MaxDepth)
        {
            throw PatchErrors.TooDeep();
        }
    }
}
