using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// Merges an applied configuration into the live object (structured-merge-diff's <c>TypedValue.Merge</c>
/// with "keep the right-hand side"): leaves and atomic values are taken from the configuration, granular
/// maps merge key by key, sets and map-lists merge item by item keeping the live order with new items
/// placed after the configuration's preceding item.
/// </summary>
/// <remarks>Never mutates its inputs; unchanged subtrees are deep-cloned into the result.</remarks>
internal static class Merger
{
    public static JsonObject Merge(JsonObject live, JsonObject config, ISchemaNode schema) =>
        (JsonObject)MergeValue(true, live, true, config, schema)!;

    private static JsonNode? MergeValue(bool lp, JsonNode? l, bool rp, JsonNode? r, ISchemaNode schema)
    {
        if (!rp)
        {
            return l?.DeepClone();
        }
        if (!lp)
        {
            return r?.DeepClone();
        }
        var shape = Shapes.Of(schema, l);
        if (Shapes.Of(schema, r) != shape || (Shapes.IsEmpty(l) && Shapes.IsEmpty(r)))
        {
            return r?.DeepClone();
        }
        return shape switch
        {
            // A null on either side of a granular merge means "no items": the other side's items survive.
            Shape.GranularMap => MergeMap(l as JsonObject, r as JsonObject, schema),
            Shape.GranularList => MergeList(l as JsonArray, r as JsonArray, schema),
            _ => r?.DeepClone(),
        };
    }

    private static JsonObject MergeMap(JsonObject? l, JsonObject? r, ISchemaNode schema)
    {
        var result = new JsonObject();
        if (l is not null)
        {
            foreach (var (key, lv) in l)
            {
                if (r is not null && r.TryGetPropertyValue(key, out var rv))
                {
                    result[key] = MergeValue(true, lv, true, rv, Shapes.ChildOf(schema, key, out _));
                }
                else
                {
                    result[key] = lv?.DeepClone();
                }
            }
        }
        if (r is not null)
        {
            foreach (var (key, rv) in r)
            {
                if (l is null || !l.ContainsKey(key))
                {
                    result[key] = rv?.DeepClone();
                }
            }
        }
        return result;
    }

    /// <summary>kube's order-preserving list merge (structured-merge-diff v4.4+ <c>visitListItems</c>).</summary>
    private static JsonArray MergeList(JsonArray? l, JsonArray? r, ISchemaNode schema)
    {
        var elements = schema.Elements ?? DeducedSchemaNode.Instance;
        var lCount = l?.Count ?? 0;
        var rCount = r?.Count ?? 0;
        var rPes = new PathElement[rCount];
        var observedR = new Dictionary<PathElement, JsonNode?>(rCount);
        for (var i = 0; i < rCount; i++)
        {
            var pe = Shapes.ItemPe(schema, r![i]);
            if (!observedR.TryAdd(pe, r[i]))
            {
                throw new SchemaValueException("duplicate entries for key " + pe);
            }
            rPes[i] = pe;
        }
        var lPes = new PathElement[lCount];
        var observedL = new Dictionary<PathElement, JsonNode?>(lCount);
        var duplicatedL = new HashSet<PathElement>();
        for (var i = 0; i < lCount; i++)
        {
            var pe = Shapes.ItemPe(schema, l![i]);
            if (!observedL.TryAdd(pe, l[i]))
            {
                // Duplicated live items are not merged with the configuration: the configuration's item replaces them.
                duplicatedL.Add(pe);
            }
            lPes[i] = pe;
        }

        var shared = new Queue<PathElement>();
        foreach (var pe in rPes)
        {
            if (observedL.ContainsKey(pe))
            {
                shared.Enqueue(pe);
            }
        }
        shared.TryDequeue(out var nextShared);

        var result = new JsonArray();
        var mergedR = new HashSet<PathElement>();
        int li = 0, ri = 0;
        while (li < lCount || ri < rCount)
        {
            if (li < lCount && ri < rCount)
            {
                var pe = lPes[li];
                if (pe.Equals(rPes[ri]))
                {
                    mergedR.Add(pe);
                    result.Add(MergeItem(pe, observedL, duplicatedL, observedR[pe], elements));
                    li++;
                    ri++;
                    nextShared = shared.TryDequeue(out var n) ? n : null;
                    continue;
                }
                if (observedR.ContainsKey(pe) && nextShared is not null && !nextShared.Equals(pe))
                {
                    // A shared item, but not the one the configuration wants next: it is placed later.
                    li++;
                    continue;
                }
            }
            if (li < lCount)
            {
                var pe = lPes[li];
                if (!observedR.ContainsKey(pe))
                {
                    result.Add(l![li]?.DeepClone());
                    li++;
                    continue;
                }
                if (mergedR.Contains(pe))
                {
                    li++;
                }
            }
            if (ri < rCount)
            {
                var pe = rPes[ri];
                mergedR.Add(pe);
                result.Add(MergeItem(pe, observedL, duplicatedL, observedR[pe], elements));
                ri++;
                if (nextShared is not null && nextShared.Equals(pe))
                {
                    nextShared = shared.TryDequeue(out var n) ? n : null;
                }
            }
        }
        return result;
    }

    private static JsonNode? MergeItem(PathElement pe, Dictionary<PathElement, JsonNode?> observedL, HashSet<PathElement> duplicatedL, JsonNode? rv, ISchemaNode elements)
    {
        var lp = observedL.TryGetValue(pe, out var lv) && !duplicatedL.Contains(pe);
        return MergeValue(lp, lv, true, rv, elements);
    }
}
