using Berth.Storage;
using Berth.Storage.Sqlite;

namespace Berth.Storage.Tests;

public sealed class SqliteStoreTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "berth-store-" + Guid.NewGuid().ToString("n"));
    private SqliteStore _store = null!;

    public ValueTask InitializeAsync()
    {
        _store = SqliteStore.Open(Path.Combine(_dir, "state.db"));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task TxnAsync_CreateTwice_SecondFailsWithCurrentValue()
    {
        var first = await _store.TxnAsync(TxnRequest.Create("/a", B("1")), TestContext.Current.CancellationToken);
        var second = await _store.TxnAsync(TxnRequest.Create("/a", B("2")), TestContext.Current.CancellationToken);
        Assert.True(first.Succeeded);
        Assert.Equal(1, first.Revision);
        Assert.False(second.Succeeded);
        Assert.Equal("1", System.Text.Encoding.UTF8.GetString(second.Kv!.Value));
    }

    [Fact]
    public async Task TxnAsync_UpdateWithStaleRevision_Fails()
    {
        var ct = TestContext.Current.CancellationToken;
        var c = await _store.TxnAsync(TxnRequest.Create("/a", B("1")), ct);
        var u1 = await _store.TxnAsync(TxnRequest.Update("/a", B("2"), c.Revision), ct);
        var u2 = await _store.TxnAsync(TxnRequest.Update("/a", B("3"), c.Revision), ct);
        Assert.True(u1.Succeeded);
        Assert.False(u2.Succeeded);
        Assert.Equal(u1.Revision, u2.Kv!.ModRevision);
        var got = await _store.GetAsync("/a", ct);
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(got!.Value));
        Assert.Equal(c.Revision, got.CreateRevision);
    }

    [Fact]
    public async Task RangeAsync_Paginates_InKeyOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var k in new[] { "/p/c", "/p/a", "/p/b", "/q/a" })
        {
            await _store.TxnAsync(TxnRequest.Create(k, B(k)), ct);
        }
        var page1 = await _store.RangeAsync("/p/", null, 2, ct);
        Assert.Equal(["/p/a", "/p/b"], page1.Items.Select(i => i.Key));
        Assert.True(page1.More);
        var page2 = await _store.RangeAsync("/p/", page1.Items[^1].Key, 2, ct);
        Assert.Equal(["/p/c"], page2.Items.Select(i => i.Key));
        Assert.False(page2.More);
        Assert.Equal(4, page2.Revision);
    }

    [Fact]
    public async Task Watch_FromPastRevision_ReplaysThenFollows()
    {
        var ct = TestContext.Current.CancellationToken;
        var r1 = await _store.TxnAsync(TxnRequest.Create("/w/a", B("1")), ct);
        await _store.TxnAsync(TxnRequest.Update("/w/a", B("2"), r1.Revision), ct);
        using var watch = _store.Watch("/w/", r1.Revision);
        await _store.TxnAsync(TxnRequest.Delete("/w/a"), ct);
        var e1 = await watch.Events.ReadAsync(ct);
        var e2 = await watch.Events.ReadAsync(ct);
        Assert.Equal(StoreEventType.Put, e1.Type);
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(e1.Kv.Value));
        Assert.Equal(StoreEventType.Delete, e2.Type);
        Assert.Equal(3, e2.Revision);
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(e2.Kv.Value));
    }

    [Fact]
    public async Task Watch_BelowCompaction_Throws()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 5; i++)
        {
            await _store.TxnAsync(TxnRequest.Create("/c/" + i, B("x")), ct);
        }
        await _store.CompactAsync(3, ct);
        Assert.Throws<CompactedException>(() => _store.Watch("/c/", 2));
        using var ok = _store.Watch("/c/", 3);
        var e = await ok.Events.ReadAsync(ct);
        Assert.Equal(4, e.Revision);
    }

    [Fact]
    public async Task Reopen_KeepsDataAndRevision()
    {
        var ct = TestContext.Current.CancellationToken;
        await _store.TxnAsync(TxnRequest.Create("/r/a", B("1")), ct);
        await _store.TxnAsync(TxnRequest.Delete("/r/a"), ct);
        await _store.DisposeAsync();
        _store = SqliteStore.Open(Path.Combine(_dir, "state.db"));
        Assert.Equal(2, _store.Revision);
        Assert.Null(await _store.GetAsync("/r/a", ct));
        var c = await _store.TxnAsync(TxnRequest.Create("/r/a", B("2")), ct);
        Assert.Equal(3, c.Revision);
    }

    [Fact]
    public async Task TxnAsync_ConcurrentWriters_GetDistinctIncreasingRevisions()
    {
        var ct = TestContext.Current.CancellationToken;
        var tasks = Enumerable.Range(0, 200).Select(i => _store.TxnAsync(TxnRequest.Create("/k/" + i, B("v")), ct).AsTask()).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(200, results.Select(r => r.Revision).Distinct().Count());
        Assert.Equal(200, _store.Revision);
    }

    [Fact]
    public async Task LastWriteRevision_TracksEachResourcePrefix()
    {
        var ct = TestContext.Current.CancellationToken;
        await _store.TxnAsync(TxnRequest.Create("/registry/pods/ns/a", B("1")), ct);
        await _store.TxnAsync(TxnRequest.Create("/registry/limitranges/ns/l", B("1")), ct);
        await _store.TxnAsync(TxnRequest.Create("/registry/pods/ns/b", B("1")), ct);
        Assert.Equal(3, _store.LastWriteRevision("/registry/pods/"));
        Assert.Equal(2, _store.LastWriteRevision("/registry/limitranges/"));
        Assert.Equal(0, _store.LastWriteRevision("/registry/services/"));
    }

    [Fact]
    public async Task RangeAtAsync_ReconstructsAPastRevision()
    {
        var ct = TestContext.Current.CancellationToken;
        var a = await _store.TxnAsync(TxnRequest.Create("/s/a", B("a1")), ct);
        await _store.TxnAsync(TxnRequest.Create("/s/b", B("b1")), ct);
        var at = _store.Revision;
        await _store.TxnAsync(TxnRequest.Update("/s/a", B("a2"), a.Revision), ct);
        await _store.TxnAsync(TxnRequest.Delete("/s/b"), ct);
        await _store.TxnAsync(TxnRequest.Create("/s/c", B("c1")), ct);

        var then = await _store.RangeAtAsync("/s/", at, ct);
        Assert.Equal(["/s/a", "/s/b"], then.Items.Select(i => i.Key));
        Assert.Equal(["a1", "b1"], then.Items.Select(i => System.Text.Encoding.UTF8.GetString(i.Value)));
        Assert.Equal(a.Revision, then.Items[0].ModRevision);
        var now = await _store.RangeAtAsync("/s/", _store.Revision, ct);
        Assert.Equal(["/s/a", "/s/c"], now.Items.Select(i => i.Key));
        await _store.CompactAsync(_store.Revision, ct);
        await Assert.ThrowsAsync<CompactedException>(async () => await _store.RangeAtAsync("/s/", at, ct));
    }
}
