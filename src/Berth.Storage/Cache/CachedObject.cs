namespace Berth.Storage.Cache;

/// <summary>
/// One object as the watch cache holds it: its serialized JSON with <c>metadata.resourceVersion</c>
/// already in place (so lists and watches copy bytes, never re-serialize) and the facts that selectors
/// and indexes need. Immutable; shared by every reader.
/// </summary>
public sealed class CachedObject
{
    public CachedObject(string key, string ns, string name, byte[] json, long createRevision, long modRevision,
        IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string>? fields)
    {
        Key = key;
        Namespace = ns;
        Name = name;
        Json = json;
        CreateRevision = createRevision;
        ModRevision = modRevision;
        Labels = labels;
        Fields = fields;
    }

    public string Key { get; }
    /// <summary>The namespace, or "" for cluster-scoped objects.</summary>
    public string Namespace { get; }
    public string Name { get; }
    /// <summary>UTF-8 JSON of the object, resourceVersion included.</summary>
    public byte[] Json { get; }
    public long CreateRevision { get; }
    public long ModRevision { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    /// <summary>Values of the resource's selectable fields (metadata.name, spec.nodeName…), when it has any.</summary>
    public IReadOnlyDictionary<string, string>? Fields { get; }

    /// <summary>The value of a selectable field, or null when the resource does not expose it.</summary>
    public string? Field(string name) => name switch
    {
        "metadata.name" => Name,
        "metadata.namespace" => Namespace,
        _ => Fields is not null && Fields.TryGetValue(name, out var v) ? v : null,
    };
}

/// <summary>The type of a watch event as clients see it.</summary>
public enum CacheEventType
{
    Added,
    Modified,
    Deleted,
    /// <summary>A progress marker: no object change, only a revision.</summary>
    Bookmark,
}

/// <summary>One change as the cache records it: the object after the change (for deletes, its last state at the delete revision) and before.</summary>
public sealed record CacheEvent(CacheEventType Type, CachedObject Object, CachedObject? Previous, long Revision);
