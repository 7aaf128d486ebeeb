using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Storage.Sqlite;

/// <summary>
/// The embedded store: SQLite in WAL mode, one writer with group commit, several readers.
/// </summary>
/// <remarks>
/// <code>
///  TxnAsync ──► write channel ──► writer thread: take a batch ──► check preconditions against the
///                                 in-memory key index ──► one SQLite transaction ──► COMMIT (fsync)
///                                 ──► complete every caller ──► publish events in revision order
/// </code>
/// The log table holds every value ever written until compaction; the kv table points each live key
/// at the log row of its current value, so a write inserts one blob. Acknowledged means committed
/// with <c>synchronous=FULL</c>: it survives kill -9 and power loss.
/// </remarks>
public sealed class SqliteStore : IStore, IPrefixRevisions
{
    private const int MaxBatch = 512;

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentBag<Reader> _readers = [];
    private readonly Dictionary<string, (long Create, long Mod)> _index = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _prefixRevisions = new(StringComparer.Ordinal);
    private readonly EventHub _hub;
    private readonly Thread _writerThread;
    private readonly Thread _checkpointer;
    private readonly ManualResetEventSlim _stopCheckpoints = new();
    private readonly SqliteConnection _writer;
    private long _revision;
    private long _compactRevision;
    private volatile bool _disposed;

    private SqliteStore(string path, ILogger logger, int historyWindow)
    {
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
        }.ToString();
        _writer = Open(readOnly: false);
        using (var cmd = _writer.CreateCommand())
        {
            cmd.CommandText = """
                CREATE TABLE IF NOT EXISTS log(
                    rev INTEGER PRIMARY KEY,
                    key TEXT NOT NULL,
                    value BLOB NOT NULL,
                    create_rev INTEGER NOT NULL,
                    prev_rev INTEGER NOT NULL,
                    deleted INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS kv(
                    key TEXT PRIMARY KEY,
                    create_rev INTEGER NOT NULL,
                    mod_rev INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                """;
            cmd.ExecuteNonQuery();
            cmd.CommandText = "SELECT key, create_rev, mod_rev FROM kv";
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    _index[r.GetString(0)] = (r.GetInt64(1), r.GetInt64(2));
                }
            }
            cmd.CommandText = "SELECT COALESCE(MAX(rev), 0) FROM log";
            var maxLog = (long)cmd.ExecuteScalar()!;
            cmd.CommandText = "SELECT value FROM meta WHERE name = 'compact'";
            _compactRevision = cmd.ExecuteScalar() is long c ? c : 0;
            cmd.CommandText = "SELECT value FROM meta WHERE name = 'revision'";
            var metaRev = cmd.ExecuteScalar() is long m ? m : 0;
            _revision = Math.Max(Math.Max(maxLog, _compactRevision), metaRev);
        }
        _hub = new EventHub(historyWindow, _revision, ReadHistory);
        _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "berth-store-writer" };
        _writerThread.Start();
        _checkpointer = new Thread(CheckpointLoop) { IsBackground = true, Name = "berth-store-checkpoint", Priority = ThreadPriority.BelowNormal };
        _checkpointer.Start();
    }

    /// <summary>Opens (creating if needed) the store in the file at <paramref name="path"/>.</summary>
    /// <param name="historyWindow">How many recent events to keep in memory for watches that resume.</param>
    public static SqliteStore Open(string path, ILogger? logger = null, int historyWindow = 8192)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        return new SqliteStore(path, logger ?? NullLogger.Instance, historyWindow);
    }

    public long Revision => Volatile.Read(ref _revision);

    public long CompactRevision => Volatile.Read(ref _compactRevision);

    private SqliteConnection Open(bool readOnly)
    {
        var conn = new SqliteConnection(_connectionString);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = readOnly
            ? "PRAGMA busy_timeout = 5000; PRAGMA query_only = 1;"
            : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 0;";
        cmd.ExecuteNonQuery();
        return conn;
    }

    public ValueTask<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = RentReader();
        try
        {
            var cmd = reader.Get;
            cmd.Parameters[0].Value = key;
            using var r = cmd.ExecuteReader();
            return ValueTask.FromResult(r.Read()
                ? new KeyValue(key, (byte[])r[0], r.GetInt64(1), r.GetInt64(2))
                : null);
        }
        finally
        {
            _readers.Add(reader);
        }
    }

    public ValueTask<RangeResult> RangeAsync(string prefix, string? startAfter = null, int limit = 0,
        CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = RentReader();
        try
        {
            // A read transaction gives one consistent snapshot; the revision is read inside it.
            using var tx = reader.Connection.BeginTransaction(deferred: true);
            var cmd = reader.Range;
            cmd.Transaction = tx;
            cmd.Parameters[0].Value = startAfter is null || string.CompareOrdinal(startAfter, prefix) < 0 ? prefix : startAfter;
            cmd.Parameters[1].Value = startAfter is null || string.CompareOrdinal(startAfter, prefix) < 0 ? 1 : 0;
            cmd.Parameters[2].Value = PrefixEnd(prefix);
            cmd.Parameters[3].Value = limit <= 0 ? -1 : limit + 1;
            var items = new List<KeyValue>();
            var more = false;
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    if (limit > 0 && items.Count == limit)
                    {
                        more = true;
                        break;
                    }
                    items.Add(new KeyValue(r.GetString(0), (byte[])r[1], r.GetInt64(2), r.GetInt64(3)));
                }
            }
            var revCmd = reader.MaxRev;
            revCmd.Transaction = tx;
            var rev = Math.Max((long)revCmd.ExecuteScalar()!, CompactRevision);
            tx.Commit();
            cmd.Transaction = null;
            revCmd.Transaction = null;
            return ValueTask.FromResult(new RangeResult(items, rev, more));
        }
        finally
        {
            _readers.Add(reader);
        }
    }

    public ValueTask<RangeResult> RangeAtAsync(string prefix, long revision, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (revision < CompactRevision)
        {
            throw new CompactedException(revision, CompactRevision);
        }
        var reader = RentReader();
        try
        {
            // One read transaction: the current state and the history after `revision`, then undo that
            // history newest first. Cost is proportional to the writes since `revision`.
            using var tx = reader.Connection.BeginTransaction(deferred: true);
            var state = new SortedDictionary<string, KeyValue>(StringComparer.Ordinal);
            var range = reader.Range;
            range.Transaction = tx;
            range.Parameters[0].Value = prefix;
            range.Parameters[1].Value = 1;
            range.Parameters[2].Value = PrefixEnd(prefix);
            range.Parameters[3].Value = -1;
            using (var r = range.ExecuteReader())
            {
                while (r.Read())
                {
                    state[r.GetString(0)] = new KeyValue(r.GetString(0), (byte[])r[1], r.GetInt64(2), r.GetInt64(3));
                }
            }
            range.Transaction = null;
            var history = reader.History;
            history.Transaction = tx;
            history.Parameters[0].Value = revision;
            history.Parameters[1].Value = long.MaxValue;
            history.Parameters[2].Value = prefix;
            history.Parameters[3].Value = PrefixEnd(prefix);
            var later = new List<(long Rev, string Key, byte[] Value, long Create, long Prev, bool Deleted)>();
            using (var r = history.ExecuteReader())
            {
                while (r.Read())
                {
                    later.Add((r.GetInt64(0), r.GetString(1), (byte[])r[2], r.GetInt64(3), r.GetInt64(4), r.GetInt64(5) != 0));
                }
            }
            history.Transaction = null;
            var value = reader.ValueAt;
            value.Transaction = tx;
            for (var i = later.Count - 1; i >= 0; i--)
            {
                var e = later[i];
                if (e.Deleted)
                {
                    // The delete row holds the value the key had before it.
                    state[e.Key] = new KeyValue(e.Key, e.Value, e.Create, e.Prev);
                }
                else if (e.Prev == 0)
                {
                    // Created after `revision`.
                    state.Remove(e.Key);
                }
                else
                {
                    value.Parameters[0].Value = e.Prev;
                    var prior = value.ExecuteScalar() as byte[] ?? throw new CompactedException(revision, CompactRevision);
                    state[e.Key] = new KeyValue(e.Key, prior, e.Create, e.Prev);
                }
            }
            value.Transaction = null;
            tx.Commit();
            return ValueTask.FromResult(new RangeResult(state.Values.ToList(), revision, false));
        }
        finally
        {
            _readers.Add(reader);
        }
    }

    /// <summary>The smallest string greater than every string that starts with <paramref name="prefix"/>.</summary>
    private static string PrefixEnd(string prefix) =>
        prefix.Length == 0 ? "\uffff" : prefix[..^1] + (char)(prefix[^1] + 1);

    public ValueTask<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (request.Kind != TxnKind.Delete && request.Value is null)
        {
            throw new ArgumentException("a put needs a value", nameof(request));
        }
        var pending = new PendingWrite(request);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(pending), this);
        return new ValueTask<TxnResult>(pending.Completion.Task);
    }

    public IStoreWatch Watch(string prefix, long afterRevision)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (afterRevision < CompactRevision)
        {
            throw new CompactedException(afterRevision, CompactRevision);
        }
        return _hub.Subscribe(prefix, afterRevision);
    }

    public ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pending = new PendingWrite(new TxnRequest(TxnKind.Delete, "", null)) { CompactTo = revision };
        _writes.Writer.TryWrite(pending);
        return new ValueTask(pending.Completion.Task);
    }

    private Reader RentReader() => _readers.TryTake(out var r) ? r : new Reader(Open(readOnly: true));

    /// <summary>Reads logged events with afterRevision &lt; rev &lt;= upTo under a prefix (for watches that start before the memory window).</summary>
    private List<StoreEvent> ReadHistory(string prefix, long afterRevision, long upTo)
    {
        var reader = RentReader();
        try
        {
            var cmd = reader.History;
            cmd.Parameters[0].Value = afterRevision;
            cmd.Parameters[1].Value = upTo;
            cmd.Parameters[2].Value = prefix;
            cmd.Parameters[3].Value = PrefixEnd(prefix);
            var list = new List<StoreEvent>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var kv = new KeyValue(r.GetString(1), (byte[])r[2], r.GetInt64(3), r.GetInt64(0));
                list.Add(new StoreEvent(r.GetInt64(5) != 0 ? StoreEventType.Delete : StoreEventType.Put, kv, r.GetInt64(4)));
            }
            return list;
        }
        finally
        {
            _readers.Add(reader);
        }
    }

    private void WriterLoop()
    {
        using var insertLog = _writer.CreateCommand();
        insertLog.CommandText = "INSERT INTO log(rev, key, value, create_rev, prev_rev, deleted) VALUES ($rev, $key, $value, $create, $prev, $deleted)";
        foreach (var n in new[] { "$rev", "$key", "$value", "$create", "$prev", "$deleted" })
        {
            insertLog.Parameters.Add(new SqliteParameter(n, null));
        }
        using var upsertKv = _writer.CreateCommand();
        upsertKv.CommandText = "INSERT INTO kv(key, create_rev, mod_rev) VALUES ($key, $create, $mod) ON CONFLICT(key) DO UPDATE SET mod_rev = excluded.mod_rev";
        foreach (var n in new[] { "$key", "$create", "$mod" })
        {
            upsertKv.Parameters.Add(new SqliteParameter(n, null));
        }
        using var deleteKv = _writer.CreateCommand();
        deleteKv.CommandText = "DELETE FROM kv WHERE key = $key";
        deleteKv.Parameters.Add(new SqliteParameter("$key", null));
        using var getValue = _writer.CreateCommand();
        getValue.CommandText = "SELECT value FROM log WHERE rev = $rev";
        getValue.Parameters.Add(new SqliteParameter("$rev", null));
        using var setMeta = _writer.CreateCommand();
        setMeta.CommandText = "INSERT INTO meta(name, value) VALUES ($name, $value) ON CONFLICT(name) DO UPDATE SET value = excluded.value";
        setMeta.Parameters.Add(new SqliteParameter("$name", null));
        setMeta.Parameters.Add(new SqliteParameter("$value", null));

        var batch = new List<PendingWrite>(MaxBatch);
        var events = new List<StoreEvent>(MaxBatch);
        var undo = new List<(string Key, (long, long)? Old)>(MaxBatch);
        var reader = _writes.Reader;
        while (true)
        {
            batch.Clear();
            try
            {
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    return;
                }
            }
            catch (ChannelClosedException)
            {
                return;
            }
            while (batch.Count < MaxBatch && reader.TryRead(out var w))
            {
                if (w.CompactTo is not null)
                {
                    if (batch.Count == 0)
                    {
                        batch.Add(w);
                    }
                    else
                    {
                        // Compaction runs alone; put it back at the front by handling it after this batch.
                        Commit(batch, events, undo, insertLog, upsertKv, deleteKv, getValue, setMeta);
                        batch.Clear();
                        batch.Add(w);
                    }
                    break;
                }
                batch.Add(w);
            }
            if (batch.Count == 1 && batch[0].CompactTo is long compactTo)
            {
                RunCompaction(batch[0], compactTo, setMeta);
                continue;
            }
            Commit(batch, events, undo, insertLog, upsertKv, deleteKv, getValue, setMeta);
        }
    }

    private void Commit(List<PendingWrite> batch, List<StoreEvent> events, List<(string Key, (long, long)? Old)> undo,
        SqliteCommand insertLog, SqliteCommand upsertKv, SqliteCommand deleteKv, SqliteCommand getValue, SqliteCommand setMeta)
    {
        events.Clear();
        undo.Clear();
        var startRevision = _revision;
        var rev = startRevision;
        var results = new TxnResult?[batch.Count];
        SqliteTransaction? tx = null;
        try
        {
            tx = _writer.BeginTransaction();
            insertLog.Transaction = upsertKv.Transaction = deleteKv.Transaction = getValue.Transaction = setMeta.Transaction = tx;
            for (var i = 0; i < batch.Count; i++)
            {
                var req = batch[i].Request;
                var exists = _index.TryGetValue(req.Key, out var cur);
                bool ok = req.Kind switch
                {
                    TxnKind.Create => !exists,
                    _ => exists && (req.ExpectedModRevision == 0 || req.ExpectedModRevision == cur.Mod),
                };
                if (!ok)
                {
                    // Report the current value so the caller can build a precise error.
                    KeyValue? current = null;
                    if (exists)
                    {
                        getValue.Parameters[0].Value = cur.Mod;
                        current = new KeyValue(req.Key, (byte[])getValue.ExecuteScalar()!, cur.Create, cur.Mod);
                    }
                    results[i] = new TxnResult(false, rev, current);
                    continue;
                }
                rev++;
                undo.Add((req.Key, exists ? cur : null));
                if (req.Kind == TxnKind.Delete)
                {
                    getValue.Parameters[0].Value = cur.Mod;
                    var last = (byte[])getValue.ExecuteScalar()!;
                    SetLog(insertLog, rev, req.Key, last, cur.Create, cur.Mod, deleted: true);
                    deleteKv.Parameters[0].Value = req.Key;
                    deleteKv.ExecuteNonQuery();
                    _index.Remove(req.Key);
                    var kv = new KeyValue(req.Key, last, cur.Create, rev);
                    events.Add(new StoreEvent(StoreEventType.Delete, kv, cur.Mod));
                    results[i] = new TxnResult(true, rev, kv);
                }
                else
                {
                    var create = exists ? cur.Create : rev;
                    SetLog(insertLog, rev, req.Key, req.Value!, create, exists ? cur.Mod : 0, deleted: false);
                    upsertKv.Parameters[0].Value = req.Key;
                    upsertKv.Parameters[1].Value = create;
                    upsertKv.Parameters[2].Value = rev;
                    upsertKv.ExecuteNonQuery();
                    _index[req.Key] = (create, rev);
                    var kv = new KeyValue(req.Key, req.Value!, create, rev);
                    events.Add(new StoreEvent(StoreEventType.Put, kv, exists ? cur.Mod : 0));
                    results[i] = new TxnResult(true, rev, kv);
                }
            }
            if (rev != startRevision)
            {
                setMeta.Parameters[0].Value = "revision";
                setMeta.Parameters[1].Value = rev;
                setMeta.ExecuteNonQuery();
            }
            tx.Commit();
        }
        catch (Exception e)
        {
            try
            {
                tx?.Rollback();
            }
            catch (Exception rollbackError)
            {
                _logger.LogError(rollbackError, "store rollback failed");
            }
            for (var u = undo.Count - 1; u >= 0; u--)
            {
                var (key, old) = undo[u];
                if (old is { } o)
                {
                    _index[key] = o;
                }
                else
                {
                    _index.Remove(key);
                }
            }
            _logger.LogError(e, "store commit failed for {Count} writes", batch.Count);
            foreach (var w in batch)
            {
                w.Completion.TrySetException(e);
            }
            return;
        }
        finally
        {
            tx?.Dispose();
            insertLog.Transaction = upsertKv.Transaction = deleteKv.Transaction = getValue.Transaction = setMeta.Transaction = null;
        }

        // Publish before acknowledging, so a caller that gets its result and then reads the watch cache
        // at that revision finds its own write there.
        Volatile.Write(ref _revision, rev);
        foreach (var e in events)
        {
            _prefixRevisions[ResourcePrefix(e.Kv.Key)] = e.Revision;
        }
        if (events.Count > 0)
        {
            _hub.Publish(events, rev);
        }
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(results[i]!);
        }
    }

    /// <summary>The first two path segments of a key plus '/': "/registry/pods/" for "/registry/pods/ns/name".</summary>
    private static string ResourcePrefix(string key)
    {
        var first = key.IndexOf('/', 1);
        var second = first < 0 ? -1 : key.IndexOf('/', first + 1);
        return second < 0 ? key : key[..(second + 1)];
    }

    public long LastWriteRevision(string prefix) => _prefixRevisions.GetValueOrDefault(prefix);

    private static void SetLog(SqliteCommand cmd, long rev, string key, byte[] value, long create, long prev, bool deleted)
    {
        cmd.Parameters[0].Value = rev;
        cmd.Parameters[1].Value = key;
        cmd.Parameters[2].Value = value;
        cmd.Parameters[3].Value = create;
        cmd.Parameters[4].Value = prev;
        cmd.Parameters[5].Value = deleted ? 1 : 0;
        cmd.ExecuteNonQuery();
    }

    private void RunCompaction(PendingWrite w, long compactTo, SqliteCommand setMeta)
    {
        try
        {
            compactTo = Math.Min(compactTo, _revision);
            if (compactTo <= _compactRevision)
            {
                w.Completion.TrySetResult(new TxnResult(true, _revision, null));
                return;
            }
            using (var tx = _writer.BeginTransaction())
            {
                using var cmd = _writer.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "DELETE FROM log WHERE rev <= $c AND (deleted = 1 OR rev NOT IN (SELECT mod_rev FROM kv))";
                cmd.Parameters.AddWithValue("$c", compactTo);
                cmd.ExecuteNonQuery();
                setMeta.Transaction = tx;
                setMeta.Parameters[0].Value = "compact";
                setMeta.Parameters[1].Value = compactTo;
                setMeta.ExecuteNonQuery();
                tx.Commit();
                setMeta.Transaction = null;
            }
            Volatile.Write(ref _compactRevision, compactTo);
            _hub.Compacted(compactTo);
            w.Completion.TrySetResult(new TxnResult(true, _revision, null));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "compaction to {Revision} failed", compactTo);
            w.Completion.TrySetException(e);
        }
    }

    /// <summary>
    /// Copies the WAL into the database file from a separate connection (PASSIVE: never blocks the
    /// writer), so commits do not pay for checkpoints as they would with SQLite's automatic checkpoint
    /// on the committing connection. SQLite restarts the WAL from its start once a checkpoint completed.
    /// </summary>
    private void CheckpointLoop()
    {
        using var conn = Open(readOnly: false);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        while (!_stopCheckpoints.Wait(TimeSpan.FromMilliseconds(500)))
        {
            try
            {
                cmd.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                _logger.LogDebug(e, "checkpoint skipped");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }
        _disposed = true;
        _writes.Writer.TryComplete();
        _writerThread.Join();
        _stopCheckpoints.Set();
        _checkpointer.Join();
        _hub.Dispose();
        _writer.Dispose();
        while (_readers.TryTake(out var r))
        {
            r.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private sealed class PendingWrite(TxnRequest request)
    {
        public TxnRequest Request { get; } = request;
        public long? CompactTo { get; init; }
        public TaskCompletionSource<TxnResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Reader : IDisposable
    {
        public Reader(SqliteConnection connection)
        {
            Connection = connection;
            Get = Prepare("SELECT l.value, kv.create_rev, kv.mod_rev FROM kv JOIN log l ON l.rev = kv.mod_rev WHERE kv.key = $k", "$k");
            Range = Prepare("""
                SELECT kv.key, l.value, kv.create_rev, kv.mod_rev FROM kv JOIN log l ON l.rev = kv.mod_rev
                WHERE ((kv.key >= $from AND $inclusive = 1) OR (kv.key > $from AND $inclusive = 0)) AND kv.key < $end
                ORDER BY kv.key LIMIT $limit
                """, "$from", "$inclusive", "$end", "$limit");
            MaxRev = Prepare("SELECT MAX(COALESCE((SELECT MAX(rev) FROM log), 0), COALESCE((SELECT value FROM meta WHERE name = 'revision'), 0))");
            History = Prepare("""
                SELECT rev, key, value, create_rev, prev_rev, deleted FROM log
                WHERE rev > $after AND rev <= $upto AND key >= $from AND key < $end ORDER BY rev
                """, "$after", "$upto", "$from", "$end");
            ValueAt = Prepare("SELECT value FROM log WHERE rev = $rev", "$rev");
        }

        public SqliteConnection Connection { get; }
        public SqliteCommand Get { get; }
        public SqliteCommand Range { get; }
        public SqliteCommand MaxRev { get; }
        public SqliteCommand History { get; }
        public SqliteCommand ValueAt { get; }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var cmd = Connection.CreateCommand();
            cmd.CommandText = sql;
            foreach (var p in parameters)
            {
                cmd.Parameters.Add(new SqliteParameter(p, null));
            }
            return cmd;
        }

        public void Dispose()
        {
            Get.Dispose();
            Range.Dispose();
            MaxRev.Dispose();
            History.Dispose();
            ValueAt.Dispose();
            Connection.Dispose();
        }
    }
}
