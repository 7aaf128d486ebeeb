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
        return new Comparison(Sealed(sets.AddedOrNull), Sealed(sets.ModifiedOrNull), Sealed(sets.RemovedOrNull));
    }

    private static FieldSet Sealed(FieldSet? s) => s?.Seal() ?? FieldSet.Empty;

    // The three result sets of one map or list, created only when something lands in them.
    private sealed class Sets
    {
        private FieldSet? _added;
        private FieldSet? _modified;
        private FieldSet? _removed;

        public FieldSet Added => _added ??= new FieldSet();
        public FieldSet Modified => _modified ??= new FieldSet();
        public FieldSet Removed => _removed ??= new FieldSet();
        public FieldSet? AddedOrNull => _added;
        public FieldSet? ModifiedOrNull => _modified;
        public FieldSet? RemovedOrNull => _removed;

        public void AttachTo(Sets parent, PathElement pe)
        {
            if (_added is not null)
            {
                parent.Added.AddChild(pe, _added);
            }
            if (_modified is not null)
            {
                parent.Modified.AddChild(pe, _modified);
            }
            if (_removed is not null)
            {
                parent.Removed.AddChild(pe, _removed);
            }
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
        var lPes = new PathElement[lCount];
        var rPes = new PathElement[rCount];
        // Index of each identity's first item; duplicates are rare and counted separately.
        var lFirst = new Dictionary<PathElement, int>(lCount);
        var rFirst = new Dictionary<PathElement, int>(rCount);
        Dictionary<PathElement, int>? lDup = null;
        Dictionary<PathElement, int>? rDup = null;
        for (var i = 0; i < lCount; i++)
        {
            var pe = lPes[i] = Shapes.ItemPe(schema, l![i]);
            if (!lFirst.TryAdd(pe, i))
            {
                lDup ??= [];
                lDup[pe] = lDup.GetValueOrDefault(pe, 1) + 1;
            }
        }
        for (var i = 0; i < rCount; i++)
        {
            var pe = rPes[i] = Shapes.ItemPe(schema, r![i]);
            if (!rFirst.TryAdd(pe, i))
            {
                rDup ??= [];
                rDup[pe] = rDup.GetValueOrDefault(pe, 1) + 1;
            }
        }
        for (var i = 0; i < lCount; i++)
        {
            if (lFirst[lPes[i]] == i)
            {
                CompareItem(lPes[i]);
            }
        }
        for (var i = 0; i < rCount; i++)
        {
            if (rFirst[rPes[i]] == i && !lFirst.ContainsKey(rPes[i]))
            {
                CompareItem(rPes[i]);
            }
        }

        void CompareItem(PathElement pe)
        {
            var lp = lFirst.TryGetValue(pe, out var li);
            var rp = rFirst.TryGetValue(pe, out var ri);
            var ln = lp ? (lDup?.GetValueOrDefault(pe, 1) ?? 1) : 0;
            var rn = rp ? (rDup?.GetValueOrDefault(pe, 1) ?? 1) : 0;
            if (ln <= 1 && rn <= 1)
            {
                Compare(pe, lp, lp ? l![li] : null, rp, rp ? r![ri] : null, elements, sets);
            }
            else if (ln >= 2 && rn >= 2)
            {
                // Duplicated on both sides: the duplicates are compared as one atomic value.
                if (!SameItems(l!, lPes, r!, rPes, pe))
                {
                    sets.Modified.AddMember(pe);
                }
            }
            else if (ln >= 2)
            {
                if (rn != 0)
                {
                    Compare(pe, false, null, true, r![ri], elements, sets);
                }
                sets.Removed.AddMember(pe);
            }
            else
            {
                if (ln != 0)
                {
                    Compare(pe, true, l![li], false, null, elements, sets);
                }
                sets.Added.AddMember(pe);
            }
        }
    }

    private static bool SameItems(JsonArray l, PathElement[] lPes, JsonArray r, PathElement[] rPes, PathElement pe)
    {
        var li = 0;
        var ri = 0;
        while (true)
        {
            while (li < lPes.Length && !lPes[li].Equals(pe))
            {
                li++;
            }
            while (ri < rPes.Length && !rPes[ri].Equals(pe))
            {
                ri++;
            }
            if (li == lPes.Length || ri == rPes.Length)
            {
                return li == lPes.Length && ri == rPes.Length;
            }
            if (!GoJson.DeepEquals(l[li], r[ri]))
            {
                return false;
            }
            li++;
            ri++;
        }
    }
}
