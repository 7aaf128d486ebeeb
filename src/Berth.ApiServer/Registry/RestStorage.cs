using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Objects;
using Berth.Api.Schema;
using Berth.Api.Strategies;
using Berth.Api.Validation;
using Berth.ApiServer.Admission;
using Berth.ApiServer.Apply;
using Berth.ApiServer.Patch;
using Berth.Storage;
using Berth.Storage.Cache;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.ApiServer.Registry;

/// <summary>
/// The generic REST storage behind every resource: the create, update, patch, delete, get, list and
/// watch pipelines of kube-apiserver's generic registry, on an <see cref="IStore"/> and a <see cref="WatchCache"/>.
/// </summary>
/// <remarks>
/// <code>
/// create: default → admit → metadata (uid, timestamps, generation, generateName) → prepare → validate
///         → validating admission (quota) → managed fields → store (create-if-absent)
/// update: read → check resourceVersion → default → keep what the request may not change (status on the
///         main resource, everything but status on /status) → prepare → generation → validate → admit
///         → managed fields → no-op check → store (compare-and-swap on the read revision)
/// patch:  read → apply patch to the stored object → the update pipeline; retried on a lost race
/// delete: read → preconditions → graceful (pods) or finalizers pending → mark; else remove
/// </code>
/// Everything that fails throws <see cref="StatusException"/> before anything is written.
/// </remarks>
public sealed partial class RestStorage
{
    private const int MaxPatchRetries = 16;
    private static readonly HashSet<string> GenerationResources =
    [
        "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch", "cronjobs.batch",
        "ingresses.networking.k8s.io", "networkpolicies.networking.k8s.io", "poddisruptionbudgets.policy", "pods",
        "replicationcontrollers", "customresourcedefinitions.apiextensions.k8s.io", "horizontalpodautoscalers.autoscaling",
    ];

    // Status set by the client on create survives for these (their strategies decide).
    private static readonly HashSet<string> KeepStatusOnCreate =
        ["nodes", "pods", "namespaces", "persistentvolumes", "persistentvolumeclaims", "events"];

    private readonly IStore _store;
    private readonly WatchCache _cache;
    private readonly KindStrategies _strategies;
    private readonly IReadOnlyList<IAdmissionPlugin> _admission;
    private readonly TimeProvider _time;
    private readonly ILogger<RestStorage> _logger;

    public RestStorage(IStore store, WatchCache cache, KindRegistry kinds, KindStrategies strategies,
        IEnumerable<IAdmissionPlugin> admission, TimeProvider time, ILogger<RestStorage> logger)
    {
        _store = store;
        _cache = cache;
        Kinds = kinds;
        _strategies = strategies;
        _admission = admission.ToList();
        _time = time;
        _logger = logger;
    }

    public KindRegistry Kinds { get; }

    public IStore Store => _store;

    public WatchCache Cache => _cache;

    public TimeProvider Time => _time;

    /// <summary>Converters between served versions and the storage version (HPA v1 ↔ v2, …).</summary>
    public VersionConverter Converter { get; } = new();

    private DateTime Now => TruncateToSeconds(_time.GetUtcNow().UtcDateTime);

    private static DateTime TruncateToSeconds(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    private static string FormatTime(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static TypeSchema? SchemaOf(ResourceInfo info) => info.ModelType is null ? null : TypeSchema.For(info.ModelType);

    private static string NameOrGenerate(ResourceInfo info, string ns) => info.Namespaced ? ns : "";

    // ───────────────────────────── reads ─────────────────────────────

    /// <summary>Reads one object straight from the store (a consistent read), in the served version.</summary>
    public async ValueTask<JsonObject> GetAsync(ResourceInfo info, string ns, string name, CancellationToken ct = default)
    {
        var kv = await _store.GetAsync(ObjectCodec.Key(info, ns, name), ct).ConfigureAwait(false)
            ?? throw StatusException.NotFound(info.Resource, info.Group, name);
        return Converter.FromStorage(info, ObjectCodec.Parse(kv));
    }

    /// <summary>Reads one object as bytes, resourceVersion spliced in; null when it does not exist.</summary>
    public async ValueTask<byte[]?> GetBytesAsync(ResourceInfo info, string ns, string name, CancellationToken ct = default)
    {
        if (Converter.NeedsConversion(info))
        {
            var obj = await GetAsync(info, ns, name, ct).ConfigureAwait(false);
            return KubeJson.ToBytes(obj);
        }
        var kv = await _store.GetAsync(ObjectCodec.Key(info, ns, name), ct).ConfigureAwait(false);
        return kv is null ? null : ObjectCodec.WithResourceVersion(kv);
    }

    private async ValueTask<(KeyValue Kv, JsonObject Obj)> ReadForWriteAsync(ResourceInfo info, string ns, string name, CancellationToken ct)
    {
        var kv = await _store.GetAsync(ObjectCodec.Key(info, ns, name), ct).ConfigureAwait(false)
            ?? throw StatusException.NotFound(info.Resource, info.Group, name);
        return (kv, ObjectCodec.Parse(kv));
    }

    /// <summary>The resource's cache, fresh enough for <paramref name="options"/> (waits for a consistent read).</summary>
    public async ValueTask<(ResourceCache Cache, long Revision)> CacheForReadAsync(ResourceInfo info, ListOptions options, CancellationToken ct)
    {
        var rc = _cache.Resource(ObjectCodec.Prefix(info));
        long target;
        if (string.IsNullOrEmpty(options.ResourceVersion))
        {
            // Consistent read: wait until the cache holds every write to this resource committed so far.
            target = _store is IPrefixRevisions p ? p.LastWriteRevision(ObjectCodec.Prefix(info)) : _store.Revision;
        }
        else if (options.ResourceVersion == "0")
        {
            target = 0;
        }
        else if (!long.TryParse(options.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out target))
        {
            throw StatusException.BadRequest($"invalid resource version \"{options.ResourceVersion}\"");
        }
        if (target > 0 && _cache.Revision < target)
        {
            if (target > _store.Revision)
            {
                // kube waits briefly for a future revision, then answers 504 "Too large resource version".
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(TimeSpan.FromSeconds(3));
                try
                {
                    await _cache.WaitForRevisionAsync(target, wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw TooLargeResourceVersion(target, _cache.Revision);
                }
            }
            else
            {
                await _cache.WaitForRevisionAsync(target, ct).ConfigureAwait(false);
            }
        }
        return (rc, Math.Max(_cache.Revision, target));
    }

    /// <summary>The resource's cache once it reflects every write to the resource committed so far (for admission plugins).</summary>
    public async ValueTask<ResourceCache> FreshCacheAsync(ResourceInfo info, CancellationToken ct = default) =>
        (await CacheForReadAsync(info, ListOptions.Everything, ct).ConfigureAwait(false)).Cache;

    private static StatusException TooLargeResourceVersion(long requested, long current)
    {
        var e = StatusException.Create(504, "Timeout",
            $"Timeout: Too large resource version: {requested}, current: {current}",
            new V1StatusDetails
            {
                Causes = [new V1StatusCause { Reason = "ResourceVersionTooLarge", Message = $"Too large resource version" }],
                RetryAfterSeconds = 1,
            });
        return e;
    }

    // ───────────────────────────── create ─────────────────────────────

    /// <summary>Creates <paramref name="obj"/> (already decoded) in <paramref name="ns"/>; returns the stored object.</summary>
    public async ValueTask<JsonObject> CreateAsync(ResourceInfo info, string ns, JsonObject obj, WriteOptions options, CancellationToken ct = default)
    {
        var prepared = await PrepareCreateAsync(info, ns, obj, options, ct).ConfigureAwait(false);
        FieldManager.UpdateManagedFields(prepared, null, options.Manager, info.ApiVersion, SchemaOf(info), Now);
        return await StoreCreateAsync(info, ns, prepared, options, ct).ConfigureAwait(false);
    }

    private async ValueTask<JsonObject> StoreCreateAsync(ResourceInfo info, string ns, JsonObject prepared, WriteOptions options, CancellationToken ct)
    {
        var name = ObjectMeta.Name(prepared)!;
        if (options.DryRun)
        {
            return prepared;
        }
        var stored = Converter.ToStorage(info, prepared);
        var key = ObjectCodec.Key(info, ns, name);
        var result = await _store.TxnAsync(TxnRequest.Create(key, ObjectCodec.ToStorage(stored)), ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw StatusException.AlreadyExists(info.Resource, info.Group, name);
        }
        ObjectCodec.ObjectMetaRv(prepared, result.Revision);
        return prepared;
    }

    /// <summary>Runs the create pipeline up to (not including) managed fields and the write.</summary>
    private async ValueTask<JsonObject> PrepareCreateAsync(ResourceInfo info, string ns, JsonObject obj, WriteOptions options, CancellationToken ct)
    {
        CheckTypeMeta(info, obj);
        obj = ObjectNormalizer.Normalize(info, obj, options);
        var meta = ObjectMeta.Metadata(obj);
        var objNs = ObjectMeta.Namespace(obj);
        if (info.Namespaced)
        {
            if (!string.IsNullOrEmpty(objNs) && objNs != ns)
            {
                throw StatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }
        if (string.IsNullOrEmpty(ObjectMeta.Name(obj)))
        {
            var generate = ObjectMeta.GenerateName(obj);
            if (string.IsNullOrEmpty(generate))
            {
                throw StatusException.Invalid(info.Kind, info.Group, "",
                    [FieldError.Required("metadata.name", "name or generateName is required")]);
            }
            meta["name"] = GenerateName(generate);
        }
        var strategy = _strategies.For(info);
        strategy.Default(obj);
        var request = new AdmissionRequest(info, AdmissionRequest.Create, "", ns, ObjectMeta.Name(obj)!, obj, null, options);
        foreach (var plugin in _admission)
        {
            await plugin.AdmitAsync(request, ct).ConfigureAwait(false);
        }
        meta = ObjectMeta.Metadata(obj);
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = FormatTime(Now);
        meta.Remove("resourceVersion");
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta.Remove("selfLink");
        if (HasGeneration(info))
        {
            meta["generation"] = 1;
        }
        else
        {
            meta.Remove("generation");
        }
        if (info.Subresources.Contains("status") && !KeepStatusOnCreate.Contains(info.StorageResource))
        {
            obj.Remove("status");
        }
        strategy.PrepareForCreate(obj);
        var errors = new List<FieldError>();
        errors.AddRange(ObjectMetaValidator.ValidateCreate(obj, info));
        errors.AddRange(strategy.ValidateCreate(obj));
        if (errors.Count > 0)
        {
            throw StatusException.Invalid(info.Kind, info.Group, ObjectMeta.Name(obj) ?? "", errors);
        }
        foreach (var plugin in _admission)
        {
            await plugin.ValidateAsync(request, ct).ConfigureAwait(false);
        }
        return obj;
    }

    private static bool HasGeneration(ResourceInfo info) =>
        info.ModelType is null || GenerationResources.Contains(info.StorageResource);

    private static void CheckTypeMeta(ResourceInfo info, JsonObject obj)
    {
        var apiVersion = ObjectMeta.ApiVersion(obj);
        var kind = ObjectMeta.Kind(obj);
        if (string.IsNullOrEmpty(apiVersion) && string.IsNullOrEmpty(kind))
        {
            obj["apiVersion"] = info.ApiVersion;
            obj["kind"] = info.Kind;
            return;
        }
        if (apiVersion != info.ApiVersion || kind != info.Kind)
        {
            throw StatusException.BadRequest(
                $"the API version in the data ({apiVersion}) does not match the expected API version ({info.ApiVersion})"
                + (kind != info.Kind ? $" or the kind ({kind}) does not match the expected kind ({info.Kind})" : ""));
        }
    }

    private static readonly char[] NameAlphabet = "bcdfghjklmnpqrstvwxz2456789".ToCharArray();

    /// <summary>generateName + 5 random characters from kube's alphabet (no vowels, no confusable digits).</summary>
    public static string GenerateName(string prefix)
    {
        // kube trims the prefix so the result fits 63 characters.
        if (prefix.Length > 58)
        {
            prefix = prefix[..58];
        }
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < 5; i++)
        {
            suffix[i] = NameAlphabet[Random.Shared.Next(NameAlphabet.Length)];
        }
        return prefix + new string(suffix);
    }

    // ───────────────────────────── update ─────────────────────────────

    /// <summary>
    /// Replaces an object (PUT). A resourceVersion in <paramref name="obj"/> must match the stored one
    /// (409 otherwise); without one the update is unconditional.
    /// </summary>
    public async ValueTask<JsonObject> UpdateAsync(ResourceInfo info, string ns, string name, JsonObject obj, string subresource,
        WriteOptions options, CancellationToken ct = default)
    {
        CheckTypeMeta(info, obj);
        var objName = ObjectMeta.Name(obj);
        if (!string.IsNullOrEmpty(objName) && objName != name)
        {
            throw StatusException.BadRequest($"the name of the object ({objName}) does not match the name on the URL ({name})");
        }
        var objNs = ObjectMeta.Namespace(obj);
        if (info.Namespaced && !string.IsNullOrEmpty(objNs) && objNs != ns)
        {
            throw StatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        var requestedRv = ObjectMeta.ResourceVersion(obj);
        var key = ObjectCodec.Key(info, ns, name);
        var kv = await _store.GetAsync(key, ct).ConfigureAwait(false);
        if (kv is null)
        {
            if (AllowCreateOnUpdate(info) && string.IsNullOrEmpty(subresource))
            {
                ObjectMeta.Metadata(obj)["name"] = name;
                return await CreateAsync(info, ns, obj, options, ct).ConfigureAwait(false);
            }
            throw StatusException.NotFound(info.Resource, info.Group, name);
        }
        if (!string.IsNullOrEmpty(requestedRv) && requestedRv != kv.ModRevision.ToString(CultureInfo.InvariantCulture))
        {
            ValidateResourceVersionSyntax(requestedRv);
            throw StatusException.Conflict(info.Resource, info.Group, name, StatusException.ModifiedMessage);
        }
        var old = Converter.FromStorage(info, ObjectCodec.Parse(kv));
        var result = await UpdatePipelineAsync(info, ns, name, obj, old, kv, subresource, options, applyManaged: true, ct).ConfigureAwait(false);
        return result ?? throw StatusException.Conflict(info.Resource, info.Group, name, StatusException.ModifiedMessage);
    }

    private static void ValidateResourceVersionSyntax(string rv)
    {
        if (!long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw StatusException.BadRequest($"invalid resource version \"{rv}\"");
        }
    }

    private static bool AllowCreateOnUpdate(ResourceInfo info) =>
        info.StorageResource is "endpoints" or "leases.coordination.k8s.io" or "events" or "events.events.k8s.io"
            or "endpointslices.discovery.k8s.io";

    /// <summary>
    /// The shared tail of update and patch. Returns null when the compare-and-swap lost a race
    /// (the caller retries); throws for everything else.
    /// </summary>
    private async ValueTask<JsonObject?> UpdatePipelineAsync(ResourceInfo info, string ns, string name, JsonObject obj, JsonObject old,
        KeyValue current, string subresource, WriteOptions options, bool applyManaged, CancellationToken ct)
    {
        obj = ObjectNormalizer.Normalize(info, obj, options);
        var strategy = _strategies.For(info);
        strategy.Default(obj);
        var meta = ObjectMeta.Metadata(obj);
        var oldMeta = ObjectMeta.Metadata(old);
        meta["name"] = name;
        if (info.Namespaced)
        {
            meta["namespace"] = ns;
        }
        // Fields only the server sets.
        CopyMeta(meta, oldMeta, "uid");
        CopyMeta(meta, oldMeta, "creationTimestamp");
        CopyMeta(meta, oldMeta, "deletionTimestamp");
        CopyMeta(meta, oldMeta, "deletionGracePeriodSeconds");
        CopyMeta(meta, oldMeta, "generation");
        CopyMeta(meta, oldMeta, "resourceVersion");
        meta.Remove("selfLink");
        var hasStatus = info.Subresources.Contains("status");
        if (subresource == "status")
        {
            // A status write changes status only (ResetObjectMetaForStatus + the strategy's spec reset).
            foreach (var f in new[] { "labels", "annotations", "finalizers", "ownerReferences" })
            {
                CopyMeta(meta, oldMeta, f);
            }
            foreach (var (k, v) in old)
            {
                if (k is not ("metadata" or "status" or "apiVersion" or "kind"))
                {
                    obj[k] = v?.DeepClone();
                }
            }
            foreach (var k in obj.Select(p => p.Key).ToList())
            {
                if (k is not ("metadata" or "status" or "apiVersion" or "kind") && !old.ContainsKey(k))
                {
                    obj.Remove(k);
                }
            }
        }
        else if (hasStatus && subresource == "")
        {
            if (old["status"] is { } oldStatus)
            {
                obj["status"] = oldStatus.DeepClone();
            }
            else
            {
                obj.Remove("status");
            }
        }
        if (subresource == "finalize")
        {
            // namespaces/{name}/finalize may change spec.finalizers only.
            var finalizers = obj["spec"]?["finalizers"]?.DeepClone();
            foreach (var (k, v) in old)
            {
                if (k is not ("metadata" or "apiVersion" or "kind"))
                {
                    obj[k] = v?.DeepClone();
                }
            }
            var spec = obj["spec"] as JsonObject ?? new JsonObject();
            obj["spec"] = spec;
            if (finalizers is null)
            {
                spec.Remove("finalizers");
            }
            else
            {
                spec["finalizers"] = finalizers;
            }
        }
        strategy.PrepareForUpdate(obj, old);
        if (HasGeneration(info) && subresource == "" && SpecChanged(obj, old))
        {
            meta["generation"] = ObjectMeta.Generation(old) + 1;
        }
        var errors = new List<FieldError>();
        errors.AddRange(ObjectMetaValidator.ValidateUpdate(obj, old, info));
        errors.AddRange(strategy.ValidateUpdate(obj, old));
        if (errors.Count > 0)
        {
            throw StatusException.Invalid(info.Kind, info.Group, name, errors);
        }
        var request = new AdmissionRequest(info, AdmissionRequest.Update, subresource, ns, name, obj, old, options);
        foreach (var plugin in _admission)
        {
            await plugin.AdmitAsync(request, ct).ConfigureAwait(false);
        }
        foreach (var plugin in _admission)
        {
            await plugin.ValidateAsync(request, ct).ConfigureAwait(false);
        }
        if (applyManaged)
        {
            FieldManager.UpdateManagedFields(obj, old, options.Manager, info.ApiVersion, SchemaOf(info), Now,
                string.IsNullOrEmpty(subresource) ? null : subresource);
        }
        meta["resourceVersion"] = oldMeta["resourceVersion"]?.DeepClone();
        if (JsonNode.DeepEquals(obj, old))
        {
            // No change: kube does not write, and the resourceVersion stays.
            return old;
        }
        if (options.DryRun)
        {
            return obj;
        }
        // An update that leaves a terminating object without finalizers completes its deletion.
        if (ObjectMeta.DeletionTimestamp(obj) is not null && ObjectMeta.Finalizers(obj).Count == 0 && !NamespaceFinalizersPending(info, obj)
            && !(info.StorageResource == "pods" && GracefulPending(obj)))
        {
            var del = await _store.TxnAsync(TxnRequest.Delete(current.Key, current.ModRevision), ct).ConfigureAwait(false);
            if (!del.Succeeded)
            {
                return null;
            }
            ObjectCodec.ObjectMetaRv(obj, del.Revision);
            return obj;
        }
        var stored = Converter.ToStorage(info, obj);
        var result = await _store.TxnAsync(TxnRequest.Update(current.Key, ObjectCodec.ToStorage(stored), current.ModRevision), ct)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return null;
        }
        ObjectCodec.ObjectMetaRv(obj, result.Revision);
        return obj;
    }

    private static bool NamespaceFinalizersPending(ResourceInfo info, JsonObject obj) =>
        info.StorageResource == "namespaces" && obj["spec"]?["finalizers"] is JsonArray { Count: > 0 };

    // A pod on a node stays until its kubelet confirms the containers stopped (it deletes with grace 0).
    private static bool GracefulPending(JsonObject pod) =>
        !string.IsNullOrEmpty(pod["spec"]?["nodeName"]?.GetValue<string>())
        && JsonNumbers.Long(pod["metadata"]?["deletionGracePeriodSeconds"]) > 0
        && pod["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed");

    private static void CopyMeta(JsonObject meta, JsonObject oldMeta, string field)
    {
        if (oldMeta[field] is { } v)
        {
            meta[field] = v.DeepClone();
        }
        else
        {
            meta.Remove(field);
        }
    }

    private static bool SpecChanged(JsonObject obj, JsonObject old)
    {
        foreach (var (k, v) in obj)
        {
            if (k is "metadata" or "status" or "apiVersion" or "kind")
            {
                continue;
            }
            if (!JsonNode.DeepEquals(v, old[k]))
            {
                return true;
            }
        }
        foreach (var (k, _) in old)
        {
            if (k is not ("metadata" or "status" or "apiVersion" or "kind") && !obj.ContainsKey(k))
            {
                return true;
            }
        }
        return false;
    }

    // ───────────────────────────── patch ─────────────────────────────

    /// <summary>
    /// Patches an object. <paramref name="patchType"/> is the request content type: json-patch, merge-patch,
    /// strategic-merge-patch or apply-patch (server-side apply; creates the object when absent).
    /// </summary>
    public async ValueTask<JsonObject> PatchAsync(ResourceInfo info, string ns, string name, PatchType patchType, byte[] patch,
        string subresource, WriteOptions options, bool force = false, CancellationToken ct = default)
    {
        JsonObject? applied = null;
        if (patchType == PatchType.Apply)
        {
            applied = BodyDecoder.DecodeApply(patch);
            if (string.IsNullOrEmpty(options.FieldManager))
            {
                throw StatusException.BadRequest("PATCH, fieldManager: Required value: is required for apply patch");
            }
            CheckTypeMeta(info, applied);
            var appliedName = ObjectMeta.Name(applied);
            if (!string.IsNullOrEmpty(appliedName) && appliedName != name)
            {
                throw StatusException.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({name})");
            }
        }
        else if (info.ModelType is null && patchType == PatchType.StrategicMerge)
        {
            throw StatusException.UnsupportedMediaType("application/strategic-merge-patch+json (strategic merge patch is not supported for custom resources)");
        }
        else if (patch.Length == 0)
        {
            throw StatusException.BadRequest("the body of the request was empty");
        }
        if (!System.Text.Unicode.Utf8.IsValid(patch))
        {
            throw StatusException.BadRequest("the patch is not valid UTF-8");
        }
        for (var attempt = 0; attempt < MaxPatchRetries; attempt++)
        {
            var kv = await _store.GetAsync(ObjectCodec.Key(info, ns, name), ct).ConfigureAwait(false);
            if (kv is null)
            {
                if (patchType == PatchType.Apply && string.IsNullOrEmpty(subresource))
                {
                    var created = FieldManager.Apply(null, (JsonObject)applied!.DeepClone(), options.Manager, force, info.ApiVersion, SchemaOf(info), Now);
                    ObjectMeta.Metadata(created)["name"] = name;
                    var managed = created["metadata"]?["managedFields"]?.DeepClone();
                    var prepared = await PrepareCreateAsync(info, ns, created, options, ct).ConfigureAwait(false);
                    if (managed is not null)
                    {
                        ObjectMeta.Metadata(prepared)["managedFields"] = managed;
                    }
                    try
                    {
                        return await StoreCreateAsync(info, ns, prepared, options, ct).ConfigureAwait(false);
                    }
                    catch (StatusException e) when (e.Code == 409)
                    {
                        continue;
                    }
                }
                throw StatusException.NotFound(info.Resource, info.Group, name);
            }
            var old = Converter.FromStorage(info, ObjectCodec.Parse(kv));
            JsonObject patched;
            var managedDone = false;
            switch (patchType)
            {
                case PatchType.Json:
                    patched = JsonPatch.Apply((JsonObject)old.DeepClone(), patch);
                    break;
                case PatchType.Merge:
                    patched = MergePatch.Apply((JsonObject)old.DeepClone(), patch);
                    break;
                case PatchType.StrategicMerge:
                    patched = StrategicMergePatch.Apply((JsonObject)old.DeepClone(), BodyDecoder.DecodeJsonObject(patch),
                        TypeSchema.For(info.ModelType!));
                    break;
                default:
                    patched = FieldManager.Apply((JsonObject)old.DeepClone(), (JsonObject)applied!.DeepClone(), options.Manager, force,
                        info.ApiVersion, SchemaOf(info), Now, string.IsNullOrEmpty(subresource) ? null : subresource);
                    managedDone = true;
                    break;
            }
            // A resourceVersion in the patch is a precondition (kubectl apply sends none; `kubectl patch` may).
            var patchedRv = ObjectMeta.ResourceVersion(patched);
            if (!string.IsNullOrEmpty(patchedRv) && patchedRv != kv.ModRevision.ToString(CultureInfo.InvariantCulture))
            {
                throw StatusException.Conflict(info.Resource, info.Group, name, StatusException.ModifiedMessage);
            }
            var result = await UpdatePipelineAsync(info, ns, name, patched, old, kv, subresource, options, applyManaged: !managedDone, ct)
                .ConfigureAwait(false);
            if (result is not null)
            {
                return result;
            }
        }
        throw StatusException.Conflict(info.Resource, info.Group, name, StatusException.ModifiedMessage);
    }

    /// <summary>
    /// Reads, changes and writes an object until the write wins (kube's GuaranteedUpdate), for the
    /// server's own read-modify-write operations such as scale and binding.
    /// </summary>
    public async ValueTask<JsonObject> GuaranteedUpdateAsync(ResourceInfo info, string ns, string name, string subresource,
        Func<JsonObject, JsonObject> change, WriteOptions options, CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < MaxPatchRetries; attempt++)
        {
            var (kv, stored) = await ReadForWriteAsync(info, ns, name, ct).ConfigureAwait(false);
            var old = Converter.FromStorage(info, stored);
            var updated = change((JsonObject)old.DeepClone());
            var result = await UpdatePipelineAsync(info, ns, name, updated, old, kv, subresource, options, applyManaged: true, ct)
                .ConfigureAwait(false);
            if (result is not null)
            {
                return result;
            }
        }
        throw StatusException.Conflict(info.Resource, info.Group, name, StatusException.ModifiedMessage);
    }

    /// <summary>
    /// A trusted read-modify-write by the server itself (binding, eviction bookkeeping): no strategy,
    /// no status/spec separation, but managed fields, compare-and-swap and retries.
    /// </summary>
    public async ValueTask<JsonObject> RawUpdateAsync(ResourceInfo info, string ns, string name, Func<JsonObject, JsonObject> change,
        WriteOptions options, CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < MaxPatchRetries; attempt++)
        {
            var (kv, stored) = await ReadForWriteAsync(info, ns, name, ct).ConfigureAwait(false);
            var old = Converter.FromStorage(info, stored);
            var updated = change((JsonObject)old.DeepClone());
            FieldManager.UpdateManagedFields(updated, old, options.Manager, info.ApiVersion, SchemaOf(info), Now);
            if (JsonNode.DeepEquals(updated, old))
            {
                return old;
            }
            if (options.DryRun)
            {
                return updated;
            }
            var result = await _store.TxnAsync(TxnRequest.Update(kv.Key, ObjectCodec.ToStorage(Converter.ToStorage(info, updated)), kv.ModRevision), ct)
                .ConfigureAwait(false);
            if (result.Succeeded)
            {
                ObjectCodec.ObjectMetaRv(updated, result.Revision);
                return updated;
            }
        }
        throw StatusException.Conflict(info.Resource, info.Group, name, StatusException.ModifiedMessage);
    }
}
