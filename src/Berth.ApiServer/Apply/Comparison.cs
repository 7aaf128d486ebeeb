using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// The fields that differ between two versions of an object (structured-merge-diff's <c>TypedValue.Compare</c>).
/// Leaves (scalars, atomic values, and empty maps or lists) land in one of the three sets; a granular map
/// or list that appears or disappears as a whole is also itself a member of <see cref="Added"/> or
/// <see cref="Removed"/> — that is the <c>.</c> entry of fieldsV1.
/// </summary>
internal sealed class Comparison
{
    private static readonly JsonObject ImplicitEmpty = new();

    private Comparison(FieldSet added, FieldSet modified, FieldSet removed)
    {
        Added = added;
        Modified = modified;
        Removed = removed;
    }

    public FieldSet Added { get; private set; }
    public FieldSet Modified { get; private set; }
    public FieldSet Removed { get; private set; }

    public bool IsSame => Added.IsEmpty && Modified.IsEmpty && Removed.IsEmpty;

    /// <summary>kube's <c>ExcludeFields</c>: drops <paramref name="fields"/> and everything below them.</summary>
    public Comparison ExcludeFields(FieldSet fields)
    {
        if (!fields.IsEmpty)
        {
            Added = Added.RecursiveDifference(fields);
            Modified = Modified.RecursiveDifference(fields);
            Removed = Removed.RecursiveDifference(fields);
        }
        return this;
    }

    /// <summary>Compares two objects. <c>metadata.managedFields</c> is skipped: it is never owned by anyone.</summary>
    /// <exception cref="SchemaValueException">A map-list item lacks its key.</exception>
    public static Comparison Of(JsonObject lhs, JsonObject rhs, ISchemaNode schema)
    {
        var sets = new Sets();
        if (Shapes.Of(schema, lhs) == Shape.GranularMap && Shapes.Of(schema, rhs) == Shape.GranularMap)
        {
            CompareMapItems(lhs, rhs, schema, sets, Level.Root);
        }
        return new Comparison(sets.Added.Seal(), sets.Modified.Seal(), sets.Removed.Seal());
    }

    private sealed class Sets
    {
        public readonly FieldSet Added = new();
        public readonly FieldSet Modified = new();
        public readonly FieldSet Removed = new();

        public void AttachTo(Sets parent, PathElement pe)
        {
            parent.Added.AddChild(pe, Added);
            parent.Modified.AddChild(pe, Modified);
            parent.Removed.AddChild(pe, Removed);
        }
    }

    private static void Compare(PathElement pe, bool lp, JsonNode? l, bool rp, JsonNode? r, ISchemaNode schema, Sets parent, Level level = Level.Other)
    {
        var shape = lp ? Shapes.Of(schema, l) : Shapes.Of(schema, r);
        if (lp && rp && Shapes.Of(schema, r) != shape)
        {
            shape = Shape.Leaf;
        }
        if (shape is Shape.GranularMap or Shape.GranularList && Shapes.IsEmpty(l) && Shapes.IsEmpty(r))
        {
            // Both empty or null: compare as a leaf so that {} versus null still counts (kube's emptyPromoteToLeaf).
            shape = Shape.Leaf;
        }
        switch (shape)
        {
            case Shape.GranularMap:
                {
                    var sets = new Sets();
                    CompareMapItems(l as JsonObject, r as JsonObject, schema, sets, level);
                    sets.AttachTo(parent, pe);
                    break;
                }
            case Shape.GranularList:
                {
                    var sets = new Sets();
                    CompareListItems(l as JsonArray, r as JsonArray, schema, sets);
                    sets.AttachTo(parent, pe);
                    break;
                }
            default:
                if (!lp)
                {
                    parent.Added.AddMember(pe);
                }
                else if (!rp)
                {
                    parent.Removed.AddMember(pe);
                }
                else if (!GoJson.DeepEquals(l, r))
                {
                    parent.Modified.AddMember(pe);
                }
                return;
        }
        if (!lp)
        {
            parent.Added.AddMember(pe);
        }
        else if (!rp)
        {
            parent.Removed.AddMember(pe);
        }
    }

    // Where a map sits: the object root, the root's metadata (whose managedFields is skipped), or elsewhere.
    private enum Level : byte
    {
        Other,
        Root,
        RootMetadata,
    }

    private static void CompareMapItems(JsonObject? l, JsonObject? r, ISchemaNode schema, Sets sets, Level level)
    {
        if (l is not null)
        {
            foreach (var (key, lv) in l)
            {
                if (level == Level.RootMetadata && key == "managedFields")
                {
                    continue;
                }
                var childSchema = Shapes.ChildOf(schema, key, out _);
                var rp = TryGet(r, key, schema, out var rv);
                Compare(PathElement.Field(key), true, lv, rp, rv, childSchema, sets, level == Level.Root && key == "metadata" ? Level.RootMetadata : Level.Other);
            }
        }
        if (r is not null)
        {
            foreach (var (key, rv) in r)
            {
                if (l is not null && l.ContainsKey(key))
                {
                    continue;
                }
                if (level == Level.RootMetadata && key == "managedFields")
                {
                    continue;
                }
                var childSchema = Shapes.ChildOf(schema, key, out _);
                var lp = TryGet(l, key, schema, out var lv);
                Compare(PathElement.Field(key), lp, lv, true, rv, childSchema, sets, level == Level.Root && key == "metadata" ? Level.RootMetadata : Level.Other);
            }
        }
    }

    // Some fields exist in kube's typed object whenever their parent does (see ISchemaNode.IsImplicitlyPresent).
    private static bool TryGet(JsonObject? o, string key, ISchemaNode schema, out JsonNode? value)
    {
        if (o is not null)
        {
            if (o.TryGetPropertyValue(key, out value))
            {
                return true;
            }
            if (schema.Kind == SchemaNodeKind.Map && schema.IsImplicitlyPresent(key))
            {
                // A struct is there as {}, a slice as null.
                value = schema.Field(key)?.Kind == SchemaNodeKind.Map ? ImplicitEmpty : null;
                return true;
            }
        }
        value = null;
        return false;
    }

    private static void CompareListItems(JsonArray? l, JsonArray? r, ISchemaNode schema, Sets sets)
    {
        var elements = schema.Elements ?? DeducedSchemaNode.Instance;
        var lCount = l?.Count ?? 0;
        var rCount = r?.Count ?? 0;
        var all = new List<PathElement>(Math.Max(lCount, rCount));
        var lValues = new Dictionary<PathElement, List<JsonNode?>>(lCount);
        var rValues = new Dictionary<PathElement, List<JsonNode?>>(rCount);
        for (var i = 0; i < lCount; i++)
        {
            var pe = Shapes.ItemPe(schema, l![i]);
            if (lValues.TryGetValue(pe, out var list))
            {
                list.Add(l[i]);
            }
            else
            {
                lValues[pe] = [l[i]];
                all.Add(pe);
            }
        }
        for (var i = 0; i < rCount; i++)
        {
            var pe = Shapes.ItemPe(schema, r![i]);
            if (rValues.TryGetValue(pe, out var list))
            {
                list.Add(r[i]);
            }
            else
            {
                rValues[pe] = [r[i]];
                if (!lValues.ContainsKey(pe))
                {
                    all.Add(pe);
                }
            }
        }
        foreach (var pe in all)
        {
            lValues.TryGetValue(pe, out var lList);
            rValues.TryGetValue(pe, out var rList);
            var ln = lList?.Count ?? 0;
            var rn = rList?.Count ?? 0;
            if (ln <= 1 && rn <= 1)
            {
                Compare(pe, ln == 1, ln == 1 ? lList![0] : null, rn == 1, rn == 1 ? rList![0] : null, elements, sets);
            }
            else if (ln >= 2 && rn >= 2)
            {
                // Duplicated on both sides: the duplicates are compared as one atomic value.
                var equal = ln == rn;
                for (var i = 0; equal && i < ln; i++)
                {
                    equal = GoJson.DeepEquals(lList![i], rList![i]);
                }
                if (!equal)
                {
                    sets.Modified.AddMember(pe);
                }
            }
            else if (ln >= 2)
            {
                if (rn != 0)
                {
                    Compare(pe, false, null, true, rList![0], elements, sets);
                }
                sets.Removed.AddMember(pe);
            }
            else
            {
                if (ln != 0)
                {
                    Compare(pe, true, lList![0], false, null, elements, sets);
                }
                sets.Added.AddMember(pe);
            }
        }
    }
}
