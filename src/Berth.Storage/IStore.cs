namespace Berth.Storage;

/// <summary>
/// A revisioned key-value store with one revision counter for the whole store, compare-and-swap
/// writes and watch from a revision: the subset of etcd v3 (Range, Txn, Watch, Compact) that the
/// API server needs. See README.md in this folder for the invariants every backend keeps.
/// </summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>The revision of the latest acknowledged write (0 for an empty store).</summary>
    long Revision { get; }

    /// <summary>Revisions at or below this one are compacted: watches from them fail.</summary>
    long CompactRevision { get; }

    /// <summary>Reads one key at the current revision.</summary>
    ValueTask<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads up to <paramref name="limit"/> keys under <paramref name="prefix"/> in key order, starting
    /// after <paramref name="startAfter"/> when given, at the current revision (returned with the page).
    /// A limit of 0 means no limit.
    /// </summary>
    ValueTask<RangeResult> RangeAsync(string prefix, string? startAfter = null, int limit = 0,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads every key under <paramref name="prefix"/> as it was at <paramref name="revision"/> (etcd's Range
    /// with a revision), in key order. Throws <see cref="CompactedException"/> when that revision is compacted.
    /// </summary>
    ValueTask<RangeResult> RangeAtAsync(string prefix, long revision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies one conditional write atomically. A failed precondition is not an exception: the
    /// result says so and carries the current value. The write is durable once this returns success.
    /// </summary>
    ValueTask<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches keys under <paramref name="prefix"/> for events with a revision greater than
    /// <paramref name="afterRevision"/>, in revision order. Throws <see cref="CompactedException"/>
    /// when <paramref name="afterRevision"/> is below <see cref="CompactRevision"/>.
    /// </summary>
    IStoreWatch Watch(string prefix, long afterRevision);

    /// <summary>Discards history at or below <paramref name="revision"/>.</summary>
    ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default);
}

/// <summary>A live watch; dispose it to stop. The channel completes with an exception if the watch breaks.</summary>
public interface IStoreWatch : IDisposable
{
    System.Threading.Channels.ChannelReader<StoreEvent> Events { get; }
}

/// <summary>
/// Optional capability of a store that commits in-process: the revision of the last write under each
/// resource prefix (<c>/registry/{resource}/</c>), so a consistent read of one resource waits only for
/// that resource's writes, not for every write in flight.
/// </summary>
public interface IPrefixRevisions
{
    /// <summary>The revision of the last committed write whose key starts with <paramref name="prefix"/>; 0 if none.</summary>
    long LastWriteRevision(string prefix);
}
