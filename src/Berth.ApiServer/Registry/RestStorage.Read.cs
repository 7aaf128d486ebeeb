using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Berth.Api.Errors;
using Berth.Api.Kinds;
using Berth.Storage;
using Berth.Storage.Cache;

namespace Berth.ApiServer.Registry;

/// <summary>One page of a list: the cached objects (not yet converted), the list's resourceVersion and continuation.</summary>
public sealed record ListResult(IReadOnlyList<CachedObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);

public sealed partial class RestStorage
{
    /// <summary>
    /// Lists objects from the watch cache: filtered by namespace and selectors, in key order, paginated
    /// with kube's continue tokens. A consistent list (resourceVersion unset) waits for the cache to
    /// catch up with the store first.
    /// </summary>
    public async ValueTask<ListResult> ListAsync(ResourceInfo info, string ns, ListOptions options, CancellationToken ct = default)
    {
        ValidateFieldSelector(info, options);
        string? startKey = null;
        long? continueRevision = null;
        if (!string.IsNullOrEmpty(options.Continue))
        {
            (startKey, continueRevision) = DecodeContinue(options.Continue, ObjectCodec.Prefix(info));
            if (continueRevision < _store.CompactRevision)
            {
                throw StatusException.Gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
            }
        }
        var (cache, revision) = await CacheForReadAsync(info, continueRevision is null ? options : options with { ResourceVersion = null }, ct)
            .ConfigureAwait(false);
        CachedObject[] all;
        long? snapshot = continueRevision;
        if (snapshot is null && options.ResourceVersionMatch == "Exact" && long.TryParse(options.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var exact))
        {
            snapshot = exact;
        }
        var lastWrite = _store is IPrefixRevisions pr ? pr.LastWriteRevision(ObjectCodec.Prefix(info)) : _store.Revision;
        if (snapshot is long at && at < lastWrite)
        {
            // The resource changed after the requested revision (a later page of a paginated list, or an
            // Exact read of the past): read the store as it was then, as kube reads etcd at a revision.
            all = await SnapshotAsync(info, ns, at, continueRevision is not null, ct).ConfigureAwait(false);
            revision = at;
        }
        else
        {
            all = cache.List(info.Namespaced ? ns : null);
            if (snapshot is long same)
            {
                revision = same;
            }
        }
        var filter = BuildFilter(info, ns, options);
        var limit = options.Limit > 0 ? options.Limit : long.MaxValue;
        var items = new List<CachedObject>(Math.Min(all.Length, (int)Math.Min(limit, 100_000)));
        var start = 0;
        if (startKey is not null)
        {
            start = LowerBound(all, startKey);
        }
        string? next = null;
        long? remaining = null;
        for (var i = start; i < all.Length; i++)
        {
            var o = all[i];
            if (!filter(o))
            {
                continue;
            }
            if (items.Count == limit)
            {
                next = EncodeContinue(o.Key[ObjectCodec.Prefix(info).Length..], revision);
                if (options.LabelSelector.IsEverything && options.FieldSelector.IsEverything)
                {
                    remaining = all.Length - i;
                }
                break;
            }
            items.Add(o);
        }
        return new ListResult(items, revision, next, remaining);
    }

    private async ValueTask<CachedObject[]> SnapshotAsync(ResourceInfo info, string ns, long revision, bool forContinue, CancellationToken ct)
    {
        var prefix = info.Namespaced && !string.IsNullOrEmpty(ns) ? ObjectCodec.NamespacePrefix(info, ns) : ObjectCodec.Prefix(info);
        try
        {
            var range = await _store.RangeAtAsync(prefix, revision, ct).ConfigureAwait(false);
            var result = new CachedObject[range.Items.Count];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = ObjectCodec.Decode(range.Items[i], range.Items[i].ModRevision);
            }
            return result;
        }
        catch (CompactedException e)
        {
            throw StatusException.Gone(forContinue
                ? "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."
                : $"too old resource version: {e.Requested} ({e.Compacted})");
        }
    }

    private static int LowerBound(CachedObject[] sorted, string key)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(sorted[mid].Key, key) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static void ValidateFieldSelector(ResourceInfo info, ListOptions options)
    {
        foreach (var r in options.FieldSelector.Requirements)
        {
            if (!SelectableFields.Supports(info.StorageResource, r.Field) && info.ModelType is not null)
            {
                throw StatusException.BadRequest($"field label not supported: {r.Field}");
            }
        }
    }

    /// <summary>The predicate a list or watch applies: namespace, label selector, field selector.</summary>
    public static Func<CachedObject, bool> BuildFilter(ResourceInfo info, string ns, ListOptions options)
    {
        var label = options.LabelSelector;
        var field = options.FieldSelector;
        var byNs = info.Namespaced && !string.IsNullOrEmpty(ns);
        return o => (!byNs || o.Namespace == ns)
            && (label.IsEverything || label.Matches(o.Labels))
            && (field.IsEverything || field.Matches(o.Field));
    }

    // kube's continue token: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after prefix>\u0000"}.
    private static string EncodeContinue(string keyAfterPrefix, long revision)
    {
        var json = JsonSerializer.Serialize(new ContinueToken("meta.k8s.io/v1", revision, keyAfterPrefix), ContinueTokenContext.Default.ContinueToken);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static (string StartKey, long Revision) DecodeContinue(string token, string prefix)
    {
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
            var bytes = Convert.FromBase64String(s);
            var t = JsonSerializer.Deserialize(bytes, ContinueTokenContext.Default.ContinueToken);
            if (t is null || t.V != "meta.k8s.io/v1" || t.Start is null || t.Rv <= 0)
            {
                throw new FormatException();
            }
            return (prefix + t.Start, t.Rv);
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            throw StatusException.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
    }

    /// <summary>
    /// Starts a watch from the cache with kube's resourceVersion semantics: unset or "0" sends the
    /// current objects as ADDED first; a number resumes after it (410 Gone when it is too old).
    /// </summary>
    public async ValueTask<CacheWatcher> WatchAsync(ResourceInfo info, string ns, ListOptions options, CancellationToken ct = default)
    {
        ValidateFieldSelector(info, options);
        var filter = BuildFilter(info, ns, options);
        var rv = options.ResourceVersion;
        var initial = options.SendInitialEvents ?? (string.IsNullOrEmpty(rv) || rv == "0");
        if (options.SendInitialEvents == true && options.ResourceVersionMatch != "NotOlderThan")
        {
            throw StatusException.Invalid("ListOptions", "meta.k8s.io", "",
                [Api.Validation.FieldError.Forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")]);
        }
        var (cache, revision) = await CacheForReadAsync(info, initial ? options : options with { ResourceVersion = rv }, ct).ConfigureAwait(false);
        long after = 0;
        if (!initial && !string.IsNullOrEmpty(rv) && rv != "0")
        {
            after = long.Parse(rv, CultureInfo.InvariantCulture);
        }
        try
        {
            return cache.Watch(initial ? revision : after, filter, initial);
        }
        catch (CompactedException e)
        {
            throw StatusException.Gone($"too old resource version: {e.Requested} ({e.Compacted})");
        }
    }
}

internal sealed record ContinueToken(
    [property: System.Text.Json.Serialization.JsonPropertyName("v")] string V,
    [property: System.Text.Json.Serialization.JsonPropertyName("rv")] long Rv,
    [property: System.Text.Json.Serialization.JsonPropertyName("start")] string Start);

[System.Text.Json.Serialization.JsonSerializable(typeof(ContinueToken))]
internal sealed partial class ContinueTokenContext : System.Text.Json.Serialization.JsonSerializerContext;
