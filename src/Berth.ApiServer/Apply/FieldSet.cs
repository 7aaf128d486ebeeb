namespace Berth.ApiServer.Apply;

/// <summary>
/// A set of field paths as a tree (structured-merge-diff's <c>fieldpath.Set</c>): <c>Members</c> are the
/// path elements that belong to the set at this level; <c>Children</c> hold the sets below path elements
/// that have members further down. A path element can be both (a list item owned as a whole and field by field).
/// </summary>
/// <remarks>
/// Built in two phases: walkers append members and children in any order (<see cref="AddMember"/>,
/// <see cref="AddChild"/>) and then call <see cref="Seal"/>, which sorts and de-duplicates once — so building
/// from a long list costs O(n log n), not O(n²). Sealed sets are immutable and freely shared between results;
/// the set operations below only read sealed sets and return new sealed sets.
/// </remarks>
internal sealed class FieldSet
{
    public static readonly FieldSet Empty = new() { _sealed = true };

    private List<PathElement>? _members;
    private List<Child>? _children;
    private bool _sealed;

    internal readonly record struct Child(PathElement Pe, FieldSet Set);

    public int MemberCount => _members?.Count ?? 0;
    public int ChildCount => _children?.Count ?? 0;
    public PathElement MemberAt(int i) => _members![i];
    public Child ChildAt(int i) => _children![i];

    public bool IsEmpty
    {
        get
        {
            if (MemberCount > 0)
            {
                return false;
            }
            for (var i = 0; i < ChildCount; i++)
            {
                if (!_children![i].Set.IsEmpty)
                {
                    return false;
                }
            }
            return true;
        }
    }

    public void AddMember(PathElement pe)
    {
        (_members ??= []).Add(pe);
    }

    /// <summary>Appends a child subtree; empty subtrees are ignored (kube never stores them).</summary>
    public void AddChild(PathElement pe, FieldSet set)
    {
        if (set.MemberCount == 0 && set.ChildCount == 0)
        {
            return;
        }
        (_children ??= []).Add(new Child(pe, set));
    }

    /// <summary>Adds one path (parents are not added as members, as in kube).</summary>
    public void Insert(IReadOnlyList<PathElement> path)
    {
        if (path.Count == 0)
        {
            return;
        }
        var s = this;
        for (var i = 0; i < path.Count - 1; i++)
        {
            s = s.Descend(path[i]);
        }
        s.AddMember(path[^1]);
    }

    private FieldSet Descend(PathElement pe)
    {
        if (_children is not null)
        {
            foreach (var c in _children)
            {
                if (c.Pe.Equals(pe))
                {
                    return c.Set;
                }
            }
        }
        var s = new FieldSet();
        (_children ??= []).Add(new Child(pe, s));
        return s;
    }

    /// <summary>Sorts and de-duplicates this set and its subtrees; duplicate children are merged.</summary>
    public FieldSet Seal()
    {
        if (_sealed)
        {
            return this;
        }
        _sealed = true;
        if (_members is { Count: > 1 } && !IsSortedUnique(_members))
        {
            _members.Sort(static (a, b) => a.CompareTo(b));
            var w = 1;
            for (var r = 1; r < _members.Count; r++)
            {
                if (!_members[r].Equals(_members[w - 1]))
                {
                    _members[w++] = _members[r];
                }
            }
            _members.RemoveRange(w, _members.Count - w);
        }
        if (_children is not null)
        {
            for (var i = 0; i < _children.Count; i++)
            {
                _children[i].Set.Seal();
            }
            if (_children.Count > 1 && !IsSortedUnique(_children))
            {
                _children.Sort(static (a, b) => a.Pe.CompareTo(b.Pe));
                var w = 1;
                for (var r = 1; r < _children.Count; r++)
                {
                    if (_children[r].Pe.Equals(_children[w - 1].Pe))
                    {
                        _children[w - 1] = new Child(_children[w - 1].Pe, _children[w - 1].Set.Union(_children[r].Set));
                    }
                    else
                    {
                        _children[w++] = _children[r];
                    }
                }
                _children.RemoveRange(w, _children.Count - w);
            }
        }
        return this;
    }

    // Decoded fieldsV1 and most walks arrive already in order; checking is cheaper than sorting.
    private static bool IsSortedUnique(List<PathElement> list)
    {
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i - 1].CompareTo(list[i]) >= 0)
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsSortedUnique(List<Child> list)
    {
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i - 1].Pe.CompareTo(list[i].Pe) >= 0)
            {
                return false;
            }
        }
        return true;
    }

    private int FindMember(PathElement pe)
    {
        if (_members is null)
        {
            return -1;
        }
        int lo = 0, hi = _members.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = _members[mid].CompareTo(pe);
            if (c == 0)
            {
                return mid;
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return -1;
    }

    public bool HasMember(PathElement pe) => FindMember(pe) >= 0;

    /// <summary>The subtree below <paramref name="pe"/> (not including pe itself), or <see cref="Empty"/>.</summary>
    public FieldSet WithPrefix(PathElement pe)
    {
        if (_children is null)
        {
            return Empty;
        }
        int lo = 0, hi = _children.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = _children[mid].Pe.CompareTo(pe);
            if (c == 0)
            {
                return _children[mid].Set;
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return Empty;
    }

    public bool Has(IReadOnlyList<PathElement> path)
    {
        if (path.Count == 0)
        {
            return false;
        }
        var s = this;
        for (var i = 0; i < path.Count - 1; i++)
        {
            s = s.WithPrefix(path[i]);
        }
        return s.HasMember(path[^1]);
    }

    public FieldSet Union(FieldSet other)
    {
        if (other.IsStructurallyEmpty)
        {
            return this;
        }
        if (IsStructurallyEmpty)
        {
            return other;
        }
        var result = new FieldSet { _sealed = true };
        result._members = MergeMembers(_members, other._members, keepLeft: true, keepRight: true, keepBoth: true);
        var changed = (result._members?.Count ?? 0) != MemberCount;
        var a = _children;
        var b = other._children;
        int i = 0, j = 0, na = a?.Count ?? 0, nb = b?.Count ?? 0;
        List<Child>? children = na + nb > 0 ? new List<Child>(Math.Max(na, nb)) : null;
        while (i < na && j < nb)
        {
            var c = a![i].Pe.CompareTo(b![j].Pe);
            if (c < 0)
            {
                children!.Add(a[i++]);
            }
            else if (c > 0)
            {
                children!.Add(b[j++]);
                changed = true;
            }
            else
            {
                var u = a[i].Set.Union(b[j].Set);
                changed |= !ReferenceEquals(u, a[i].Set);
                children!.Add(new Child(a[i].Pe, u));
                i++;
                j++;
            }
        }
        while (i < na)
        {
            children!.Add(a![i++]);
        }
        changed |= j < nb;
        while (j < nb)
        {
            children!.Add(b![j++]);
        }
        result._children = children;
        return changed ? result : this;
    }

    public FieldSet Intersection(FieldSet other)
    {
        if (IsStructurallyEmpty || other.IsStructurallyEmpty)
        {
            return Empty;
        }
        var result = new FieldSet { _sealed = true };
        result._members = MergeMembers(_members, other._members, keepLeft: false, keepRight: false, keepBoth: true);
        var a = _children;
        var b = other._children;
        int i = 0, j = 0, na = a?.Count ?? 0, nb = b?.Count ?? 0;
        while (i < na && j < nb)
        {
            var c = a![i].Pe.CompareTo(b![j].Pe);
            if (c < 0)
            {
                i++;
            }
            else if (c > 0)
            {
                j++;
            }
            else
            {
                var s = a[i].Set.Intersection(b[j].Set);
                if (!s.IsEmpty)
                {
                    (result._children ??= []).Add(new Child(a[i].Pe, s));
                }
                i++;
                j++;
            }
        }
        return result;
    }

    /// <summary>Members of this set not in <paramref name="other"/>; subtrees are subtracted only by subtrees.</summary>
    public FieldSet Difference(FieldSet other) => Subtract(other, recursive: false);

    /// <summary>Like <see cref="Difference"/>, but a member of <paramref name="other"/> also removes the subtree below it.</summary>
    public FieldSet RecursiveDifference(FieldSet other) => Subtract(other, recursive: true);

    private FieldSet Subtract(FieldSet other, bool recursive)
    {
        if (IsStructurallyEmpty || other.IsStructurallyEmpty)
        {
            return this;
        }
        var result = new FieldSet { _sealed = true };
        result._members = MergeMembers(_members, other._members, keepLeft: true, keepRight: false, keepBoth: false);
        var changed = (result._members?.Count ?? 0) != MemberCount;
        var a = _children;
        var b = other._children;
        int i = 0, j = 0, na = a?.Count ?? 0, nb = b?.Count ?? 0;
        while (i < na)
        {
            var pe = a![i].Pe;
            if (recursive && other.HasMember(pe))
            {
                changed = true;
                i++;
                continue;
            }
            while (j < nb && b![j].Pe.CompareTo(pe) < 0)
            {
                j++;
            }
            FieldSet s;
            if (j < nb && b![j].Pe.Equals(pe))
            {
                s = a[i].Set.Subtract(b[j].Set, recursive);
            }
            else
            {
                s = a[i].Set;
            }
            if (!s.IsEmpty)
            {
                (result._children ??= []).Add(new Child(pe, s));
            }
            changed |= !ReferenceEquals(s, a[i].Set) || s.IsEmpty;
            i++;
        }
        // Unchanged sets keep their identity, so their encoded form can be reused.
        return changed ? result : this;
    }

    private bool IsStructurallyEmpty => MemberCount == 0 && ChildCount == 0;

    private static List<PathElement>? MergeMembers(List<PathElement>? a, List<PathElement>? b, bool keepLeft, bool keepRight, bool keepBoth)
    {
        int i = 0, j = 0, na = a?.Count ?? 0, nb = b?.Count ?? 0;
        List<PathElement>? result = null;
        while (i < na && j < nb)
        {
            var c = a![i].CompareTo(b![j]);
            if (c < 0)
            {
                if (keepLeft)
                {
                    (result ??= []).Add(a[i]);
                }
                i++;
            }
            else if (c > 0)
            {
                if (keepRight)
                {
                    (result ??= []).Add(b[j]);
                }
                j++;
            }
            else
            {
                if (keepBoth)
                {
                    (result ??= []).Add(a[i]);
                }
                i++;
                j++;
            }
        }
        if (keepLeft)
        {
            while (i < na)
            {
                (result ??= []).Add(a![i++]);
            }
        }
        if (keepRight)
        {
            while (j < nb)
            {
                (result ??= []).Add(b![j++]);
            }
        }
        return result;
    }

    /// <summary>
    /// kube's <c>EnsureNamedFieldsAreMembers</c>: also count as members the declared fields (struct fields)
    /// that only appear as parents, so removing them removes the whole struct. Map keys and list items are not added.
    /// </summary>
    public FieldSet EnsureNamedFieldsAreMembers(ISchemaNode? schema)
    {
        if (ChildCount == 0)
        {
            return this;
        }
        var result = new FieldSet { _sealed = true };
        List<PathElement>? members = _members is null ? null : new List<PathElement>(_members);
        var added = false;
        var children = new List<Child>(_children!.Count);
        foreach (var c in _children)
        {
            ISchemaNode? childSchema = null;
            if (schema is not null && c.Pe.Kind == PathElementKind.Field)
            {
                var declared = schema.Kind is SchemaNodeKind.Map ? schema.Field(c.Pe.FieldName!) : null;
                if (declared is not null)
                {
                    members ??= [];
                    members.Add(c.Pe);
                    added = true;
                    childSchema = declared;
                }
                else
                {
                    childSchema = schema.Kind is SchemaNodeKind.Map or SchemaNodeKind.Untyped ? schema.Elements : null;
                }
            }
            else if (schema is not null && c.Pe.Kind == PathElementKind.Key && schema.Kind == SchemaNodeKind.List)
            {
                childSchema = schema.Elements;
            }
            children.Add(new Child(c.Pe, c.Set.EnsureNamedFieldsAreMembers(childSchema)));
        }
        if (added && members!.Count > 1)
        {
            members.Sort(static (a, b) => a.CompareTo(b));
            var w = 1;
            for (var r = 1; r < members.Count; r++)
            {
                if (!members[r].Equals(members[w - 1]))
                {
                    members[w++] = members[r];
                }
            }
            members.RemoveRange(w, members.Count - w);
        }
        result._members = members;
        result._children = children;
        return result;
    }

    /// <summary>Every member path, in kube's iteration order (this level's members, then each child subtree).</summary>
    public void Iterate(Action<IReadOnlyList<PathElement>> visit)
    {
        var prefix = new List<PathElement>();
        IterateInto(prefix, visit);
    }

    private void IterateInto(List<PathElement> prefix, Action<IReadOnlyList<PathElement>> visit)
    {
        for (var i = 0; i < MemberCount; i++)
        {
            prefix.Add(_members![i]);
            visit(prefix);
            prefix.RemoveAt(prefix.Count - 1);
        }
        for (var i = 0; i < ChildCount; i++)
        {
            prefix.Add(_children![i].Pe);
            _children[i].Set.IterateInto(prefix, visit);
            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    public List<PathElement[]> Paths()
    {
        var list = new List<PathElement[]>();
        Iterate(p => list.Add([.. p]));
        return list;
    }

    public bool SetEquals(FieldSet other)
    {
        if (MemberCount != other.MemberCount || ChildCount != other.ChildCount)
        {
            return false;
        }
        for (var i = 0; i < MemberCount; i++)
        {
            if (!_members![i].Equals(other._members![i]))
            {
                return false;
            }
        }
        for (var i = 0; i < ChildCount; i++)
        {
            if (!_children![i].Pe.Equals(other._children![i].Pe) || !_children[i].Set.SetEquals(other._children[i].Set))
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString()
    {
        var lines = new List<string>();
        Iterate(p => lines.Add(PathElement.PathString(p)));
        return string.Join("\n", lines);
    }
}
