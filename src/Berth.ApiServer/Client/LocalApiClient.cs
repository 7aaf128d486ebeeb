using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Objects;
using Berth.Api.Selectors;
using Berth.ApiServer.Registry;
using Berth.Client;
using Berth.Storage;
using Berth.Storage.Cache;
using k8s.Models;

namespace Berth.ApiServer.Client;

/// <summary>
/// The in-process <see cref="IApiClient"/>: the same REST storage pipelines as HTTP requests
/// (validation, admission, managed fields), without HTTP. Used by controllers and the scheduler when
/// they run inside <c>berth server</c>.
/// </summary>
public sealed class LocalApiClient(RestStorage storage, string fieldManager) : IApiClient
{
    private readonly WriteOptions _options = new() { FieldManager = fieldManager, UserAgent = fieldManager, User = RequestUser.System };

    public KindRegistry Kinds => storage.Kinds;

    private static string Ns(ResourceInfo r, string? ns) => r.Namespaced ? ns ?? "" : "";

    public async Task<JsonObject> GetAsync(ResourceInfo resource, string? ns, string name, CancellationToken cancellationToken = default) =>
        await storage.GetAsync(resource, Ns(resource, ns), name, cancellationToken).ConfigureAwait(false);

    private static ListOptions ToOptions(ListRequest? r)
    {
        if (r is null)
        {
            return ListOptions.Everything;
        }
        try
        {
            return new ListOptions
            {
                LabelSelector = LabelSelector.Parse(r.LabelSelector),
                FieldSelector = FieldSelector.Parse(r.FieldSelector),
                ResourceVersion = r.ResourceVersion,
                Limit = r.Limit,
                Continue = r.Continue,
                AllowWatchBookmarks = r.AllowWatchBookmarks,
                TimeoutSeconds = r.TimeoutSeconds,
            };
        }
        catch (FormatException e)
        {
            throw StatusException.BadRequest(e.Message);
        }
    }

    public async Task<ObjectList> ListAsync(ResourceInfo resource, string? ns, ListRequest? request = null, CancellationToken cancellationToken = default)
    {
        var list = await storage.ListAsync(resource, Ns(resource, ns), ToOptions(request), cancellationToken).ConfigureAwait(false);
        var items = new List<JsonObject>(list.Items.Count);
        foreach (var i in list.Items)
        {
            items.Add(storage.Converter.FromStorage(resource, KubeJson.ParseObject(i.Json)));
        }
        return new ObjectList(items, list.ResourceVersion.ToString(CultureInfo.InvariantCulture), list.Continue);
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceInfo resource, string? ns, ListRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CacheWatcher watcher;
        try
        {
            watcher = await storage.WatchAsync(resource, Ns(resource, ns), ToOptions(request), cancellationToken).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code == 410)
        {
            throw;
        }
        using var _ = watcher;
        var reader = watcher.Events;
        var last = watcher.StartRevision;
        while (true)
        {
            bool more;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                idle.CancelAfter(TimeSpan.FromSeconds(30));
                try
                {
                    more = await reader.WaitToReadAsync(idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    more = true;
                }
                catch (SlowWatcherException)
                {
                    yield break;
                }
            }
            if (!more)
            {
                yield break;
            }
            var any = false;
            while (reader.TryRead(out var e))
            {
                any = true;
                last = e.Revision;
                var type = e.Type switch
                {
                    CacheEventType.Added => "ADDED",
                    CacheEventType.Modified => "MODIFIED",
                    _ => "DELETED",
                };
                yield return new WatchEvent(type, storage.Converter.FromStorage(resource, KubeJson.ParseObject(e.Object.Json)));
            }
            if (!any && request.AllowWatchBookmarks)
            {
                yield return new WatchEvent("BOOKMARK", new JsonObject
                {
                    ["kind"] = resource.Kind,
                    ["apiVersion"] = resource.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = Math.Max(last, watcher.CacheRevision).ToString(CultureInfo.InvariantCulture) },
                });
            }
        }
    }

    public async Task<JsonObject> CreateAsync(ResourceInfo resource, string? ns, JsonObject obj, CancellationToken cancellationToken = default) =>
        await storage.CreateAsync(resource, Ns(resource, ns ?? ObjectMeta.Namespace(obj)), (JsonObject)obj.DeepClone(), _options, cancellationToken)
            .ConfigureAwait(false);

    public async Task<JsonObject> UpdateAsync(ResourceInfo resource, JsonObject obj, string? subresource = null, CancellationToken cancellationToken = default)
    {
        var name = ObjectMeta.Name(obj) ?? throw StatusException.BadRequest("name is required");
        return await storage.UpdateAsync(resource, Ns(resource, ObjectMeta.Namespace(obj)), name, (JsonObject)obj.DeepClone(),
            subresource ?? "", _options, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonObject> PatchAsync(ResourceInfo resource, string? ns, string name, PatchKind kind, byte[] patch, string? subresource = null,
        CancellationToken cancellationToken = default)
    {
        var type = kind switch
        {
            PatchKind.Json => PatchType.Json,
            PatchKind.Merge => PatchType.Merge,
            PatchKind.StrategicMerge => PatchType.StrategicMerge,
            _ => PatchType.Apply,
        };
        return await storage.PatchAsync(resource, Ns(resource, ns), name, type, patch, subresource ?? "", _options, false, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task DeleteAsync(ResourceInfo resource, string? ns, string name, V1DeleteOptions? options = null, CancellationToken cancellationToken = default) =>
        await storage.DeleteAsync(resource, Ns(resource, ns), name, options, _options, cancellationToken).ConfigureAwait(false);

    public async Task CreateSubresourceAsync(ResourceInfo resource, string? ns, string name, string subresource, JsonObject body,
        CancellationToken cancellationToken = default)
    {
        switch (resource.Resource, subresource)
        {
            case ("pods", "binding"):
                var binding = KubeJson.Deserialize<V1Binding>(body);
                if (binding.Target?.Name is not { Length: > 0 } node)
                {
                    throw StatusException.Invalid("Binding", "", name, [Api.Validation.FieldError.Required("target.name")]);
                }
                await storage.BindAsync(Ns(resource, ns), name, node, binding.Metadata?.Annotations, _options, cancellationToken).ConfigureAwait(false);
                return;
            case ("pods", "eviction"):
                var eviction = KubeJson.Deserialize<V1Eviction>(body);
                await storage.Eviction.EvictAsync(resource, Ns(resource, ns), name, eviction.DeleteOptions, _options, cancellationToken).ConfigureAwait(false);
                return;
            default:
                throw StatusException.Create(404, "NotFound", $"the server could not find the requested resource ({resource.Resource}/{subresource})");
        }
    }
}
