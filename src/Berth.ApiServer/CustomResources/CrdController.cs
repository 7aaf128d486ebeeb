using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.ApiServer.Registry;
using Berth.Storage.Cache;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.ApiServer.CustomResources;

/// <summary>
/// Serves the resources that CustomResourceDefinitions declare: keeps <see cref="KindRegistry"/>'s
/// custom set equal to the served versions of every CRD, reports NamesAccepted and Established in the
/// CRD's status, and on CRD deletion removes its custom resources before letting the CRD go (the
/// <c>customresourcecleanup.apiextensions.k8s.io</c> finalizer), as kube's apiextensions server does.
/// </summary>
public sealed partial class CrdController(RestStorage storage, ILogger<CrdController> logger)
{
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    private readonly SemaphoreSlim _signal = new(0);
    private ResourceInfo Crds => storage.Kinds.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;

    public async Task RunAsync(CancellationToken ct)
    {
        var watcher = await storage.WatchAsync(Crds, "", ListOptions.Everything, ct).ConfigureAwait(false);
        using (watcher)
        {
            var pump = PumpAsync(watcher, ct);
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await _signal.WaitAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                // Coalesce bursts (a file with several CRDs) into one registry update.
                while (_signal.CurrentCount > 0)
                {
                    await _signal.WaitAsync(ct).ConfigureAwait(false);
                }
                try
                {
                    await SyncAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "custom resource definitions sync failed");
                    _ = Task.Delay(TimeSpan.FromSeconds(1), ct).ContinueWith(_ => _signal.Release(), TaskScheduler.Default);
                }
            }
            await pump.ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(CacheWatcher watcher, CancellationToken ct)
    {
        try
        {
            while (await watcher.Events.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (watcher.Events.TryRead(out _))
                {
                }
                _signal.Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Storage.SlowWatcherException)
        {
            _signal.Release();
        }
    }

    /// <summary>Brings the registry and every CRD's status and finalizers up to date.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        var list = await storage.ListAsync(Crds, "", ListOptions.Everything, ct).ConfigureAwait(false);
        var crds = list.Items.Select(i => KubeJson.Deserialize<V1CustomResourceDefinition>(i.Json)).ToList();
        var served = new List<ResourceInfo>();
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var crd in crds.OrderBy(c => c.Metadata.CreationTimestamp).ThenBy(c => c.Metadata.Name, StringComparer.Ordinal))
        {
            var key = crd.Spec.Group + "/" + crd.Spec.Names.Plural;
            if (!accepted.Add(key) || storage.Kinds.Builtins.Any(b => b.Group == crd.Spec.Group && b.Resource == crd.Spec.Names.Plural))
            {
                continue;
            }
            served.AddRange(ToResources(crd));
        }
        storage.Kinds.SetCustomResources(served);
        foreach (var crd in crds)
        {
            await ReconcileAsync(crd, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The served versions of a CRD as resources, preferred version first.</summary>
    public static IEnumerable<ResourceInfo> ToResources(V1CustomResourceDefinition crd)
    {
        var storageVersion = crd.Spec.Versions.FirstOrDefault(v => v.Storage)?.Name;
        var versions = crd.Spec.Versions.Where(v => v.Served).Select(v => v.Name).ToList();
        var preferred = versions.OrderBy(v => v, VersionPriority.Instance).FirstOrDefault();
        foreach (var v in crd.Spec.Versions.Where(v => v.Served).OrderBy(v => v.Name, VersionPriority.Instance))
        {
            var subresources = new List<string>();
            if (v.Subresources?.Status is not null)
            {
                subresources.Add("status");
            }
            if (v.Subresources?.Scale is not null)
            {
                subresources.Add("scale");
            }
            JsonObject? schema = v.Schema?.OpenAPIV3Schema is { } s ? KubeJson.ToNode(s) : null;
            yield return new ResourceInfo
            {
                Group = crd.Spec.Group,
                Version = v.Name,
                Resource = crd.Spec.Names.Plural,
                Kind = crd.Spec.Names.Kind,
                Namespaced = crd.Spec.Scope == "Namespaced",
                Singular = crd.Spec.Names.Singular ?? crd.Spec.Names.Kind.ToLowerInvariant(),
                ShortNames = crd.Spec.Names.ShortNames?.ToList() ?? [],
                Categories = crd.Spec.Names.Categories?.ToList() ?? [],
                Subresources = subresources,
                ModelType = null,
                Preferred = v.Name == preferred,
                CustomResourceDefinition = crd.Metadata.Name,
                CustomSchema = schema,
                PrinterColumns = v.AdditionalPrinterColumns?.ToList(),
                ScaleSubresource = v.Subresources?.Scale,
                StorageVersion = storageVersion,
            };
        }
    }

    private async Task ReconcileAsync(V1CustomResourceDefinition crd, CancellationToken ct)
    {
        var name = crd.Metadata.Name;
        var options = new WriteOptions { FieldManager = "berth-apiextensions" };
        if (crd.Metadata.DeletionTimestamp is not null)
        {
            if (crd.Metadata.Finalizers?.Contains(CleanupFinalizer) == true)
            {
                await DeleteInstancesAsync(crd, ct).ConfigureAwait(false);
                await storage.RawUpdateAsync(Crds, "", name, o =>
                {
                    if (o["metadata"]?["finalizers"] is JsonArray f)
                    {
                        var kept = new JsonArray(f.Where(x => x?.GetValue<string>() != CleanupFinalizer).Select(x => x?.DeepClone()).ToArray());
                        ((JsonObject)o["metadata"]!)["finalizers"] = kept;
                    }
                    return o;
                }, options, ct).ConfigureAwait(false);
                // Removing the last finalizer of a terminating object completes its deletion.
                var current = await storage.GetAsync(Crds, "", name, ct).ConfigureAwait(false);
                if (current["metadata"]?["finalizers"] is not JsonArray { Count: > 0 })
                {
                    try
                    {
                        await storage.DeleteAsync(Crds, "", name, null, options, ct).ConfigureAwait(false);
                    }
                    catch (StatusException e) when (e.Code == 404)
                    {
                    }
                }
            }
            return;
        }
        if (crd.Metadata.Finalizers?.Contains(CleanupFinalizer) != true)
        {
            await storage.RawUpdateAsync(Crds, "", name, o =>
            {
                var meta = (JsonObject)o["metadata"]!;
                var f = meta["finalizers"] as JsonArray ?? new JsonArray();
                f.Add(CleanupFinalizer);
                meta["finalizers"] = f;
                return o;
            }, options, ct).ConfigureAwait(false);
        }
        var established = crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true;
        var storedVersions = crd.Spec.Versions.Where(v => v.Storage).Select(v => v.Name).ToList();
        var stored = crd.Status?.StoredVersions ?? [];
        if (established && storedVersions.All(stored.Contains) && Equals(crd.Status?.AcceptedNames?.Plural, crd.Spec.Names.Plural))
        {
            return;
        }
        var now = storage.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await storage.RawUpdateAsync(Crds, "", name, o =>
        {
            var status = o["status"] as JsonObject ?? new JsonObject();
            status["acceptedNames"] = o["spec"]?["names"]?.DeepClone();
            status["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", now),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", now));
            var versions = status["storedVersions"] as JsonArray ?? new JsonArray();
            foreach (var v in storedVersions)
            {
                if (!versions.Any(x => x?.GetValue<string>() == v))
                {
                    versions.Add(v);
                }
            }
            status["storedVersions"] = versions;
            o["status"] = status;
            return o;
        }, options, ct).ConfigureAwait(false);
    }

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    private async Task DeleteInstancesAsync(V1CustomResourceDefinition crd, CancellationToken ct)
    {
        var resource = storage.Kinds.All.FirstOrDefault(r => r.CustomResourceDefinition == crd.Metadata.Name);
        if (resource is null)
        {
            return;
        }
        var options = new WriteOptions { FieldManager = "berth-apiextensions" };
        var list = await storage.ListAsync(resource, "", ListOptions.Everything, ct).ConfigureAwait(false);
        foreach (var item in list.Items)
        {
            try
            {
                await storage.DeleteAsync(resource, item.Namespace, item.Name, null, options, ct).ConfigureAwait(false);
            }
            catch (StatusException e) when (e.Code == 404)
            {
            }
        }
    }

    /// <summary>kube's version priority: GA before beta before alpha, higher numbers first, then others alphabetically.</summary>
    private sealed partial class VersionPriority : IComparer<string>
    {
        public static readonly VersionPriority Instance = new();

        [GeneratedRegex("^v(\\d+)(?:(alpha|beta)(\\d+))?$")]
        private static partial Regex KubeVersion();

        public int Compare(string? x, string? y)
        {
            var a = Rank(x ?? "");
            var b = Rank(y ?? "");
            var c = a.Stage.CompareTo(b.Stage);
            if (c != 0)
            {
                return c;
            }
            if (a.Stage == 3)
            {
                return string.CompareOrdinal(x, y);
            }
            c = b.Major.CompareTo(a.Major);
            return c != 0 ? c : b.Minor.CompareTo(a.Minor);
        }

        private static (int Stage, int Major, int Minor) Rank(string v)
        {
            var m = KubeVersion().Match(v);
            if (!m.Success)
            {
                return (3, 0, 0);
            }
            var major = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (!m.Groups[2].Success)
            {
                return (0, major, 0);
            }
            var minor = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            return (m.Groups[2].Value == "beta" ? 1 : 2, major, minor);
        }
    }
}
