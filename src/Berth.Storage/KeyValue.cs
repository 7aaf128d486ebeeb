namespace Berth.Storage;

/// <summary>A key with its value and the revisions that created and last modified it (etcd's mvccpb.KeyValue).</summary>
public sealed record KeyValue(string Key, byte[] Value, long CreateRevision, long ModRevision);

/// <summary>One page of a range read.</summary>
public sealed record RangeResult(IReadOnlyList<KeyValue> Items, long Revision, bool More);

/// <summary>What a write event did.</summary>
public enum StoreEventType
{
    /// <summary>The key was created (<see cref="StoreEvent.PrevModRevision"/> is 0) or replaced.</summary>
    Put,
    /// <summary>The key was deleted; <see cref="StoreEvent.Kv"/> holds the value it had, at the delete's revision.</summary>
    Delete,
}

/// <summary>One change at one revision. For deletes the value is the last value the key had.</summary>
public sealed record StoreEvent(StoreEventType Type, KeyValue Kv, long PrevModRevision)
{
    public long Revision => Kv.ModRevision;
    public bool IsCreate => Type == StoreEventType.Put && PrevModRevision == 0;
}

/// <summary>The kinds of conditional write.</summary>
public enum TxnKind
{
    /// <summary>Put only if the key does not exist.</summary>
    Create,
    /// <summary>Put only if the key exists with <see cref="TxnRequest.ExpectedModRevision"/> (0: any revision).</summary>
    Update,
    /// <summary>Delete only if the key exists with <see cref="TxnRequest.ExpectedModRevision"/> (0: any revision).</summary>
    Delete,
}

/// <summary>One conditional write: maps to an etcd Txn with a mod_revision or create_revision compare.</summary>
public sealed record TxnRequest(TxnKind Kind, string Key, byte[]? Value, long ExpectedModRevision = 0)
{
    public static TxnRequest Create(string key, byte[] value) => new(TxnKind.Create, key, value);
    public static TxnRequest Update(string key, byte[] value, long expectedModRevision) =>
        new(TxnKind.Update, key, value, expectedModRevision);
    public static TxnRequest Delete(string key, long expectedModRevision = 0) => new(TxnKind.Delete, key, null, expectedModRevision);
}

/// <summary>
/// The outcome of a conditional write. On success <see cref="Revision"/> is the write's revision and
/// <see cref="Kv"/> the new (or, for deletes, the removed) value. On failure <see cref="Kv"/> is the
/// current value, or null when the key does not exist.
/// </summary>
public sealed record TxnResult(bool Succeeded, long Revision, KeyValue? Kv);

/// <summary>Thrown when a watch asks for history that compaction removed (Kubernetes: 410 Gone, Expired).</summary>
public sealed class CompactedException(long requested, long compacted)
    : Exception($"too old resource version: {requested} ({compacted})")
{
    public long Requested { get; } = requested;
    public long Compacted { get; } = compacted;
}
