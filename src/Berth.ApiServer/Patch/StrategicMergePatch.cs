using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Schema;

namespace Berth.ApiServer.Patch;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) for the built-in kinds, with the
/// semantics of k8s.io/apimachinery/pkg/util/strategicpatch as kube-apiserver runs it
/// (<c>StrategicMergeMapPatch</c>, merging parallel lists). See README.md in this folder.
/// </summary>
/// <remarks>
/// <code>
/// object:  $patch replace|delete → $retainKeys → $setElementOrder/f → fields → $deleteFromPrimitiveList/f
/// field:   null deletes; object+object merges (unless strategy replace); list+list merges when the field's
///          patchStrategy is merge (by merge key for objects, as a set for scalars), else the patch replaces
/// list:    $patch delete|replace elements first, then merge by key; order = patch items in patch order,
///          interleaved with server-only items in their old order
/// </code>
/// Fields the schema does not know (and <c>Any</c> fields) merge like a JSON merge patch: maps recurse,
/// lists replace. Values that the original lacks are merged into an empty value, so directives inside them
/// are honoured rather than stored (kube copies them verbatim).
/// </remarks>
public static class StrategicMergePatch
{
    private const string DirectiveMarker = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
    private const string SetElementOrderPrefix = "$setElementOrder";

    private const string ErrBadPatchFormatForPrimitiveList = "invalid patch format of primitive list";
    private const string ErrBadPatchFormatForRetainKeys = "invalid patch format of retainKeys";
    private const string ErrBadPatchFormatForSetElementOrderList = "invalid patch format of setElementOrder list";
    private const string ErrNoListOfLists = "lists of lists are not supported";

    /// <summary>Parses and applies a patch body; malformed JSON or a non-object patch is 400.</summary>
    /// <exception cref="StatusException">Always, for any failure; no other exception escapes.</exception>
    public static JsonObject Apply(JsonObject original, ReadOnlySpan<byte> patchJson, TypeSchema schema)
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
        catch (Exception e)
        {
            throw PatchErrors.Internal(e);
        }
        return parsed switch
        {
            // Go decodes null into an empty map: nothing to do.
            null => Apply(original, new JsonObject(), schema),
            JsonObject o => Apply(original, o, schema),
            _ => throw PatchErrors.BadRequest(
                $"json: cannot unmarshal {GoFormat.JsonKind(parsed)} into Go value of type map[string]interface {{}}"),
        };
    }

    /// <summary>
    /// Applies <paramref name="patch"/> to a copy of <paramref name="original"/>, a serialized object of the
    /// model type that <paramref name="schema"/> describes; the inputs are not modified.
    /// </summary>
    /// <exception cref="StatusException">Always, for any failure; no other exception escapes.</exception>
    public static JsonObject Apply(JsonObject original, JsonObject patch, TypeSchema schema)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(schema);
        try
        {
            if (PatchJson.Depth(patch) > PatchLimits.MaxDepth)
            {
                throw PatchErrors.TooDeep();
            }
            var result = MergeObject(original.DeepClone().AsObject(), patch, schema);
            CheckShape(result, schema, patch);
            return result;
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

    // Merges patch into target (owned, changed in place; null means absent) and returns the result, which is
    // a new object when a $patch directive replaces or deletes the map.
    private static JsonObject MergeObject(JsonObject? target, JsonObject patch, TypeSchema? schema, bool ignoreDirective = false)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (!ignoreDirective && patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            return DirectiveString(directive) switch
            {
                "replace" => MergeObject(null, patch, schema, ignoreDirective: true),
                "delete" => new JsonObject(),
                _ => throw PatchErrors.Untyped(BadPatchType(directive, patch)),
            };
        }
        target ??= new JsonObject();

        if (patch.TryGetPropertyValue(RetainKeysDirective, out var retain))
        {
            ApplyRetainKeys(target, patch, retain);
        }

        HashSet<string>? ordered = null;
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                var field = ExtractKey(key, SetElementOrderPrefix, ErrBadPatchFormatForSetElementOrderList);
                ApplySetElementOrder(target, patch, field, value, schema);
                (ordered ??= new HashSet<string>(StringComparer.Ordinal)).Add(field);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$') && (key == DirectiveMarker || key == RetainKeysDirective
                || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)
                || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal)))
            {
                continue;
            }
            if (ordered?.Contains(key) == true)
            {
                continue;
            }
            MergeField(target, key, value, schema);
        }

        // Deletions from primitive lists run after the additions of the same patch (kube's map order is
        // random; kubectl never sends a value in both lists).
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                var field = ExtractKey(key, DeleteFromPrimitiveListPrefix, ErrBadPatchFormatForPrimitiveList);
                DeleteFromPrimitiveList(target, field, value);
            }
        }
        return target;
    }

    private static void MergeField(JsonObject target, string name, JsonNode? patchValue, TypeSchema? schema)
    {
        if (patchValue is null)
        {
            target.Remove(name);
            return;
        }
        var field = Lookup(schema, name);
        target.TryGetPropertyValue(name, out var current);
        JsonNode? result;
        switch (patchValue)
        {
            case JsonObject po:
                result = current is JsonObject co && field.Meta?.Strategy != "replace"
                    ? MergeObject(co, po, field.Schema)
                    : MergeObject(null, po, field.Schema);
                break;
            case JsonArray pa when field.Meta?.MergesList == true:
                result = MergeList(current as JsonArray ?? [], pa, ItemSchema(field.Schema), field.Meta.MergeKey);
                break;
            default:
                // Scalars, and lists without a merge strategy (atomic, or unknown to the schema), replace.
                result = patchValue.DeepClone();
                break;
        }
        if (!ReferenceEquals(result, current))
        {
            target[name] = result;
        }
    }

    // ---- lists -------------------------------------------------------------------------------------------

    private enum ElementKind
    {
        None,
        Object,
        Array,
        String,
        Number,
        Bool,
        Null,
    }

    private static ElementKind KindOf(JsonNode? node) => node switch
    {
        null => ElementKind.Null,
        JsonObject => ElementKind.Object,
        JsonArray => ElementKind.Array,
        _ => node.AsValue().GetValueKind() switch
        {
            JsonValueKind.String => ElementKind.String,
            JsonValueKind.Number => ElementKind.Number,
            _ => ElementKind.Bool,
        },
    };

    // All elements of both lists must be of one kind, and not lists (kube's sliceElementType).
    private static ElementKind ElementKindOf(JsonArray first, JsonArray second)
    {
        var kind = ElementKind.None;
        foreach (var item in first.Concat(second))
        {
            var k = KindOf(item);
            if (kind == ElementKind.None)
            {
                if (k == ElementKind.Array)
                {
                    throw PatchErrors.Unprocessable(ErrNoListOfLists);
                }
                kind = k;
            }
            else if (k != kind)
            {
                throw PatchErrors.Untyped(
                    $"list element types are not identical: [{GoFormat.Value(first)} {GoFormat.Value(second)}]");
            }
        }
        return kind;
    }

    // Merges a patch list into target (owned; reused for the result) for a field with the merge strategy.
    private static JsonArray MergeList(JsonArray target, JsonArray patch, TypeSchema? itemSchema, string? mergeKey)
    {
        if (target.Count == 0 && patch.Count == 0)
        {
            return target;
        }
        var kind = ElementKindOf(target, patch);
        if (kind != ElementKind.Object)
        {
            return MergeScalarList(target, patch);
        }
        if (mergeKey is null)
        {
            throw PatchErrors.Untyped("cannot merge lists without merge key for type " + GoKindOf(itemSchema));
        }

        var regular = new List<JsonObject>(patch.Count);
        HashSet<string>? deleted = null;
        var replace = false;
        foreach (var item in patch)
        {
            var element = (JsonObject)item!;
            if (!element.TryGetPropertyValue(DirectiveMarker, out var directive))
            {
                regular.Add(element);
                continue;
            }
            switch (DirectiveString(directive))
            {
                case "delete":
                    if (!element.TryGetPropertyValue(mergeKey, out var keyValue))
                    {
                        throw NoMergeKey(element, mergeKey);
                    }
                    // All deletions happen before any merge, whatever their position (as in kube).
                    (deleted ??= new HashSet<string>(StringComparer.Ordinal)).Add(PatchJson.Key(keyValue));
                    break;
                case "replace":
                    replace = true;
                    break;
                case "merge":
                    throw PatchErrors.Untyped("merging lists cannot yet be specified in the patch");
                default:
                    throw PatchErrors.Untyped(BadPatchType(directive, element));
            }
        }

        if (deleted is not null)
        {
            RemoveWhere(target, e => e is JsonObject o && o.TryGetPropertyValue(mergeKey, out var v) && deleted.Contains(PatchJson.Key(v)));
        }
        if (replace)
        {
            // The list becomes the patch's own elements, in patch order.
            target.Clear();
            foreach (var element in regular)
            {
                target.Add(MergeObject(null, element, itemSchema));
            }
            foreach (var element in target)
            {
                _ = MergeKeyOf((JsonObject)element!, mergeKey);
            }
            return target;
        }

        var serverKeys = new List<string>(target.Count);
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < target.Count; i++)
        {
            if (target[i] is JsonObject o && o.TryGetPropertyValue(mergeKey, out var kv))
            {
                var k = PatchJson.Key(kv);
                serverKeys.Add(k);
                positions.TryAdd(k, i);
            }
            else
            {
                serverKeys.Add("");
            }
        }
        var patchKeys = new List<string>(regular.Count);
        foreach (var element in regular)
        {
            var k = PatchJson.Key(MergeKeyOf(element, mergeKey));
            patchKeys.Add(k);
            if (positions.TryGetValue(k, out var at))
            {
                var existing = (JsonObject)target[at]!;
                var merged = MergeObject(existing, element, itemSchema);
                if (!ReferenceEquals(merged, existing))
                {
                    target[at] = merged;
                }
            }
            else
            {
                target.Add(MergeObject(null, element, itemSchema));
                positions[k] = target.Count - 1;
            }
        }
        var keys = new List<string>(target.Count);
        foreach (var item in target)
        {
            keys.Add(PatchJson.Key(MergeKeyOf((JsonObject)item!, mergeKey)));
        }
        return Reorder(target, keys, patchKeys, serverKeys);
    }

    private static JsonArray MergeScalarList(JsonArray target, JsonArray patch)
    {
        var serverKeys = target.Select(PatchJson.Key).ToList();
        var patchKeys = patch.Select(PatchJson.Key).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<JsonNode?>(target.Count + patch.Count);
        var keys = new List<string>(target.Count + patch.Count);
        for (var i = 0; i < target.Count; i++)
        {
            if (seen.Add(serverKeys[i]))
            {
                items.Add(target[i]);
                keys.Add(serverKeys[i]);
            }
        }
        for (var i = 0; i < patch.Count; i++)
        {
            if (seen.Add(patchKeys[i]))
            {
                items.Add(patch[i]?.DeepClone());
                keys.Add(patchKeys[i]);
            }
        }
        target.Clear();
        foreach (var item in items)
        {
            target.Add(item);
        }
        return Reorder(target, keys, patchKeys, serverKeys);
    }

    // Removes in one pass: JsonArray.RemoveAt shifts the tail, so removing many items one by one is quadratic.
    private static void RemoveWhere(JsonArray list, Func<JsonNode?, bool> remove)
    {
        var kept = list.Where(item => !remove(item)).ToList();
        if (kept.Count == list.Count)
        {
            return;
        }
        list.Clear();
        foreach (var item in kept)
        {
            list.Add(item);
        }
    }

    /// <summary>
    /// Puts a merged list in kube's order: items named by the patch (or by <c>$setElementOrder</c>) in that
    /// order, and the server-only items in their previous order, interleaved so that a server-only item stays
    /// ahead of a patch item it preceded before (strategicpatch's normalizeElementOrder + mergeSortedSlice).
    /// </summary>
    private static JsonArray Reorder(JsonArray list, List<string> keys, List<string> patchOrder, List<string> serverOrder)
    {
        var patchIndex = FirstIndexes(patchOrder);
        var serverIndex = FirstIndexes(serverOrder);
        var fromPatch = new List<(JsonNode? Item, string Key, int Rank)>();
        var serverOnly = new List<(JsonNode? Item, string Key, int Rank)>();
        for (var i = 0; i < list.Count; i++)
        {
            var k = keys[i];
            if (patchIndex.TryGetValue(k, out var p))
            {
                fromPatch.Add((list[i], k, p));
            }
            else
            {
                serverOnly.Add((list[i], k, serverIndex.TryGetValue(k, out var s) ? s : int.MaxValue));
            }
        }
        // OrderBy is stable: equal ranks (duplicates) keep their relative order.
        var left = serverOnly.OrderBy(x => x.Rank).ToList();
        var right = fromPatch.OrderBy(x => x.Rank).ToList();
        var result = new List<JsonNode?>(list.Count);
        int li = 0, ri = 0;
        while (li < left.Count && ri < right.Count)
        {
            var lFound = serverIndex.TryGetValue(left[li].Key, out var lPos);
            var rFound = serverIndex.TryGetValue(right[ri].Key, out var rPos);
            result.Add(lFound && rFound && lPos < rPos ? left[li++].Item : right[ri++].Item);
        }
        while (li < left.Count)
        {
            result.Add(left[li++].Item);
        }
        while (ri < right.Count)
        {
            result.Add(right[ri++].Item);
        }
        list.Clear();
        foreach (var item in result)
        {
            list.Add(item);
        }
        return list;
    }

    private static Dictionary<string, int> FirstIndexes(List<string> keys)
    {
        var index = new Dictionary<string, int>(keys.Count, StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            index.TryAdd(keys[i], i);
        }
        return index;
    }

    // ---- directives --------------------------------------------------------------------------------------

    // $retainKeys: clear the original's fields missing from the list; every non-null field of the patch must
    // be in the list.
    private static void ApplyRetainKeys(JsonObject target, JsonObject patch, JsonNode? retain)
    {
        if (retain is not JsonArray list)
        {
            throw PatchErrors.BadRequest(ErrBadPatchFormatForRetainKeys);
        }
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (item is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                keep.Add(v.GetValue<string>());
            }
        }
        foreach (var (key, value) in patch)
        {
            if (value is null || key == RetainKeysDirective
                || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal)
                || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            if (!keep.Contains(key))
            {
                throw PatchErrors.BadRequest(ErrBadPatchFormatForRetainKeys);
            }
        }
        foreach (var key in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
        {
            target.Remove(key);
        }
    }

    // $setElementOrder/<field>: merge the field's list (if the patch has it), then order the result by the
    // directive's list, keeping items it does not name where they were.
    private static void ApplySetElementOrder(JsonObject target, JsonObject patch, string name, JsonNode? orderNode, TypeSchema? schema)
    {
        if (orderNode is not JsonArray order)
        {
            throw PatchErrors.Untyped(BadArgType("[]interface {}", orderNode));
        }
        var foundOriginal = target.TryGetPropertyValue(name, out var originalNode);
        var foundPatch = patch.TryGetPropertyValue(name, out var patchNode);
        JsonArray? original = null, patchList = null;
        if (foundOriginal && (original = originalNode as JsonArray) is null)
        {
            throw PatchErrors.Untyped(BadArgType("[]interface {}", originalNode));
        }
        if (foundPatch && (patchList = patchNode as JsonArray) is null)
        {
            throw PatchErrors.Untyped(BadArgType("[]interface {}", patchNode));
        }
        if (schema is { Kind: SchemaKind.Object } && !schema.Properties.ContainsKey(name))
        {
            throw PatchErrors.Untyped(
                $"unable to find api field in struct {GoStructName(schema)} for the json field {GoFormat.Quote(name)}");
        }
        var field = Lookup(schema, name);
        var mergeKey = field.Meta?.MergeKey;
        ValidateOrder(patchList, order, mergeKey);

        if (original is null && patchList is null)
        {
            return;
        }
        // Kind check over the lists as they came in, before merging changes them (errors as kube's).
        var kind = ElementKindOf(original ?? [], patchList ?? []);
        var serverKeys = original is null ? [] : original.Select(e => OrderKey(e, mergeKey, kind)).ToList();
        JsonArray merged;
        if (patchList is null)
        {
            merged = original!;
        }
        else if (field.Meta?.MergesList == true)
        {
            merged = MergeList(original ?? [], patchList, ItemSchema(field.Schema), mergeKey);
        }
        else
        {
            merged = patchList.DeepClone().AsArray();
        }
        if (merged.Count > 0)
        {
            var orderKeys = order.Select((e, i) => OrderKeyOfDirective(e, i, mergeKey, kind)).ToList();
            var keys = merged.Select(e => OrderKey(e, mergeKey, kind)).ToList();
            Reorder(merged, keys, orderKeys, serverKeys);
        }
        if (!ReferenceEquals(merged, originalNode))
        {
            target[name] = merged;
        }
    }

    private static string OrderKey(JsonNode? element, string? mergeKey, ElementKind kind) =>
        mergeKey is not null && kind == ElementKind.Object
            ? PatchJson.Key(MergeKeyOf(element as JsonObject ?? throw PatchErrors.Untyped(BadArgType("map[string]interface {}", element)), mergeKey))
            : PatchJson.Key(element);

    private static string OrderKeyOfDirective(JsonNode? element, int index, string? mergeKey, ElementKind kind)
    {
        if (mergeKey is null || kind != ElementKind.Object)
        {
            return PatchJson.Key(element);
        }
        if (element is not JsonObject o)
        {
            throw PatchErrors.Untyped($"value for key {index} is not a map.");
        }
        return PatchJson.Key(MergeKeyOf(o, mergeKey));
    }

    // The patch list must name its items in the same relative order as $setElementOrder, and only items it
    // names (deletions and other directive items aside).
    private static void ValidateOrder(JsonArray? patchList, JsonArray order, string? mergeKey)
    {
        if (patchList is null || patchList.Count == 0 || order.Count == 0)
        {
            return;
        }
        var items = new List<JsonNode?>(patchList.Count);
        foreach (var item in patchList)
        {
            if (mergeKey is not null)
            {
                if (item is not JsonObject o)
                {
                    throw PatchErrors.Untyped(BadArgType("map[string]interface {}", item));
                }
                if (o.TryGetPropertyValue(DirectiveMarker, out var d) && DirectiveString(d) == "delete")
                {
                    continue;
                }
            }
            items.Add(item);
        }
        int pi = 0, oi = 0;
        while (pi < items.Count && oi < order.Count)
        {
            if (items[pi] is JsonObject withDirective && withDirective.ContainsKey(DirectiveMarker))
            {
                pi++;
                continue;
            }
            bool equal;
            if (mergeKey is null)
            {
                equal = PatchJson.Key(items[pi]) == PatchJson.Key(order[oi]);
            }
            else
            {
                var left = items[pi] as JsonObject ?? throw PatchErrors.Untyped(BadArgType("map[string]interface {}", items[pi]));
                var right = order[oi] as JsonObject ?? throw PatchErrors.Untyped(BadArgType("map[string]interface {}", order[oi]));
                equal = PatchJson.Key(MergeKeyOf(left, mergeKey)) == PatchJson.Key(MergeKeyOf(right, mergeKey));
            }
            if (equal)
            {
                pi++;
            }
            oi++;
        }
        if (pi < items.Count)
        {
            throw PatchErrors.Untyped(
                $"The order in patch list:\n{GoFormat.Value(patchList)}\n doesn't match {SetElementOrderPrefix} list:\n{GoFormat.Value(order)}\n");
        }
    }

    private static void DeleteFromPrimitiveList(JsonObject target, string name, JsonNode? value)
    {
        if (value is null)
        {
            target.Remove(name);
            return;
        }
        if (value is not JsonArray remove)
        {
            throw PatchErrors.BadRequest(ErrBadPatchFormatForPrimitiveList);
        }
        // Deleting from a list the object does not have is a no-op (kube would store the deletion list).
        if (!target.TryGetPropertyValue(name, out var current) || current is not JsonArray list)
        {
            return;
        }
        var gone = new HashSet<string>(remove.Select(PatchJson.Key), StringComparer.Ordinal);
        RemoveWhere(list, item => gone.Contains(PatchJson.Key(item)));
    }

    // kube's extractKey: "<prefix>/<field>", split at the first slash.
    private static string ExtractKey(string key, string prefix, string error)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !key.AsSpan(0, slash).SequenceEqual(prefix))
        {
            throw PatchErrors.BadRequest(error);
        }
        return key[(slash + 1)..];
    }

    private static string? DirectiveString(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonNode? MergeKeyOf(JsonObject element, string mergeKey) =>
        element.TryGetPropertyValue(mergeKey, out var value) ? value : throw NoMergeKey(element, mergeKey);

    private static StatusException NoMergeKey(JsonObject element, string mergeKey) =>
        PatchErrors.Untyped($"map: {GoFormat.Value(element)} does not contain declared merge key: {mergeKey}");

    private static string BadPatchType(JsonNode? directive, JsonObject map) =>
        $"unknown patch type: {GoFormat.AsString(directive)} in map: {GoFormat.Value(map)}";

    private static string BadArgType(string expected, JsonNode? actual) =>
        $"expected a {expected}, but received a {GoFormat.TypeName(actual)}";

    // ---- schema ------------------------------------------------------------------------------------------

    private readonly record struct FieldInfo(TypeSchema? Schema, PatchMeta? Meta);

    private static FieldInfo Lookup(TypeSchema? parent, string name) => parent?.Kind switch
    {
        SchemaKind.Object => parent.Properties.TryGetValue(name, out var p) ? new(p.Type, p.Patch) : default,
        SchemaKind.Map => new(parent.Items, null),
        _ => default,
    };

    private static TypeSchema? ItemSchema(TypeSchema? list) => list is { Kind: SchemaKind.Array } ? list.Items : null;

    // The Go reflect.Kind of a list's element type, for kube's "cannot merge lists without merge key".
    private static string GoKindOf(TypeSchema? item) => item?.Kind switch
    {
        SchemaKind.Object or SchemaKind.Quantity or SchemaKind.IntOrString or SchemaKind.DateTime => "struct",
        SchemaKind.Map => "map",
        SchemaKind.Array or SchemaKind.Bytes => "slice",
        SchemaKind.String => "string",
        SchemaKind.Integer => "int32",
        SchemaKind.Number => "float64",
        SchemaKind.Boolean => "bool",
        _ => "interface",
    };

    // "V1PodSpec" → "PodSpec", "V2HorizontalPodAutoscalerSpec" → "HorizontalPodAutoscalerSpec".
    private static string GoStructName(TypeSchema schema)
    {
        var name = schema.ClrType.Name;
        var i = 0;
        if (name.Length > 1 && name[0] == 'V' && char.IsAsciiDigit(name[1]))
        {
            i = 1;
            while (i < name.Length && char.IsAsciiDigit(name[i]))
            {
                i++;
            }
            foreach (var stage in (ReadOnlySpan<string>)["alpha", "beta"])
            {
                if (name.AsSpan(i).StartsWith(stage, StringComparison.Ordinal))
                {
                    i += stage.Length;
                    while (i < name.Length && char.IsAsciiDigit(name[i]))
                    {
                        i++;
                    }
                }
            }
        }
        return name[i..];
    }

    // After merging, the object must still decode into the kind: where the schema has an object, a map or a
    // list, the value must be one (kube finds this when converting the patched map back to the typed object).
    private static void CheckShape(JsonNode? node, TypeSchema? schema, JsonObject patch)
    {
        if (node is null || schema is null)
        {
            return;
        }
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (schema.Kind)
        {
            case SchemaKind.Object:
                if (node is not JsonObject o)
                {
                    throw PatchErrors.InvalidPatch(patch, "cannot restore struct from: " + GoFormat.Kind(node));
                }
                foreach (var (key, value) in o)
                {
                    if (schema.Properties.TryGetValue(key, out var p))
                    {
                        CheckShape(value, p.Type, patch);
                    }
                }
                break;
            case SchemaKind.Map:
                if (node is not JsonObject m)
                {
                    throw PatchErrors.InvalidPatch(patch, "cannot restore map from " + GoFormat.Kind(node));
                }
                foreach (var (_, value) in m)
                {
                    CheckShape(value, schema.Items, patch);
                }
                break;
            case SchemaKind.Array:
                if (node is not JsonArray a)
                {
                    throw PatchErrors.InvalidPatch(patch, "cannot restore slice from " + GoFormat.Kind(node));
                }
                foreach (var item in a)
                {
                    CheckShape(item, schema.Items, patch);
                }
                break;
        }
    }
}
