using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Schema;
using k8s.Models;

namespace Berth.ApiServer.Apply;

/// <summary>
/// Managed fields and server-side apply with the semantics of kube-apiserver's field manager
/// (k8s.io/apimachinery/pkg/util/managedfields) over sigs.k8s.io/structured-merge-diff. Pure functions
/// over <see cref="JsonObject"/>: no I/O, no clock (the caller passes <c>now</c>).
/// </summary>
/// <remarks>
/// kube wraps the core merge in layers; each is a step here, outermost first:
/// <code>
///  Update (create/update/patch)          Apply (application/apply-patch+yaml)
///  decode new or live managedFields       version check, decode live managedFields
///  skip tracking if none and not create   kubectl: force conflicts recorded in last-applied
///                                         none yet: "before-first-apply" owns the live object
///  manager id {name, Update, gv, sub}     manager id {name, Apply, sub}
///  compare → take changed fields          merge → prune → conflicts (409 unless force)
///  strip metadata, merge into entry       strip metadata, stamp time if the object changed
///  cap Update entries at 10               sync last-applied annotation (kubectl)
///  encode, sorted                         encode, sorted
/// </code>
/// The caller checks the applied object's apiVersion/kind against the endpoint
/// (<see cref="CheckAppliedType"/>), validates and defaults the result, and persists it.
/// </remarks>
public static class FieldManager
{
    /// <summary>Who owns an object's fields when it is first applied to without managed fields.</summary>
    public const string BeforeFirstApplyManager = "before-first-apply";

    // kube's DefaultMaxUpdateManagers and the bucket older update entries are folded into.
    private const int MaxUpdateManagers = 10;
    private const string AncientChangesManager = "ancient-changes";

    // kube's stripMetaManager: fields nobody is ever said to own.
    private static readonly FieldSet StripSet = BuildStripSet();

    /// <summary>
    /// Records a non-apply write (create, update, or a JSON/merge/strategic patch) by <paramref name="manager"/>:
    /// the fields that differ between <paramref name="oldObj"/> (null on create) and <paramref name="newObj"/>
    /// become the manager's (an <c>Update</c> entry for this API version and subresource) and stop being anyone
    /// else's; then <c>newObj.metadata.managedFields</c> is rewritten.
    /// </summary>
    /// <remarks>
    /// Managed fields sent by the client are used as the starting point when they decode (so a client may
    /// edit them), <c>[]</c> or <c>[{}]</c> resets them, and anything else falls back to the live object's,
    /// as in kube. Writes to a subresource always start from the live object's. On an update of an object
    /// that has no managed fields, nothing starts being tracked. Never throws for bad managed fields: like
    /// kube's <c>UpdateNoErrors</c>, it keeps the live object's entries instead.
    /// </remarks>
    /// <param name="now">The time stamped on the manager's entry if it changed (truncated to seconds).</param>
    /// <param name="subresource">"status", "scale"…; null for the main resource.</param>
    public static void UpdateManagedFields(JsonObject newObj, JsonObject? oldObj, string manager, string apiVersion,
        TypeSchema? schema, DateTime now, string? subresource = null) =>
        UpdateManagedFields(newObj, oldObj, manager, apiVersion, SchemaNodes.For(schema), now, subresource, resetFields: null);

    /// <inheritdoc cref="UpdateManagedFields(JsonObject, JsonObject?, string, string, TypeSchema?, DateTime, string?)"/>
    /// <param name="resetFields">
    /// Dotted paths the endpoint's strategy resets, owned by nobody through it (kube's <c>GetResetFields</c>);
    /// null for <see cref="DefaultResetFields"/>.
    /// </param>
    public static void UpdateManagedFields(JsonObject newObj, JsonObject? oldObj, string manager, string apiVersion,
        ISchemaNode schema, DateTime now, string? subresource, IReadOnlyCollection<string>? resetFields)
    {
        var live = oldObj ?? [];
        var liveManagedFields = GetManagedFields(live, out _);
        var newManagedFields = GetManagedFields(newObj, out var newHasManagedFields);

        Managed managed;
        if (!string.IsNullOrEmpty(subresource))
        {
            managed = DecodeOrEmpty(liveManagedFields);
        }
        else if (ManagedFieldsCodec.IsReset(newHasManagedFields, newManagedFields))
        {
            managed = new Managed();
        }
        else
        {
            managed = TryDecode(newManagedFields) is { Fields.Count: > 0 } fromClient ? fromClient : DecodeOrEmpty(liveManagedFields);
        }
        var index = RemoveManagedFields(newObj);

        // kube's skipNonAppliedManager: an object nobody tracks is only tracked from its creation on.
        if (managed.Fields.Count == 0 && !IsCreate(oldObj))
        {
            return;
        }
        try
        {
            var context = new Context(schema, apiVersion, subresource, ManagedFieldsCodec.Truncate(now), resetFields);
            context.Update(live, newObj, managed, manager);
            SetManagedFields(newObj, ManagedFieldsCodec.Encode(managed), index);
        }
        catch (Exception)
        {
            // kube's UpdateNoErrors: never fail the write over managed fields (an item without its key,
            // undecodable entries, or a bug here); keep what the live object had.
            SetManagedFields(newObj, liveManagedFields?.DeepClone(), index);
        }
    }

    /// <summary>
    /// Server-side apply: merges <paramref name="applied"/> (the decoded apply patch) into <paramref name="live"/>
    /// (null to create) by the schema's list and map semantics, removes fields this manager applied before
    /// but no longer applies unless another manager owns them, and returns the new object with
    /// <c>metadata.managedFields</c> updated (an <c>Apply</c> entry). Inputs are not modified.
    /// </summary>
    /// <remarks>
    /// An unchanged re-apply returns the live object unchanged, byte for byte once serialized, so the caller
    /// can detect the no-op. A live object without managed fields is first owned by
    /// <see cref="BeforeFirstApplyManager"/>. Explicit nulls in the configuration unset the field (the
    /// applier still owns it, as in kube).
    /// </remarks>
    /// <exception cref="StatusException">
    /// 409 Conflict with kube's message and one <c>FieldManagerConflict</c> cause per field when another manager
    /// owns a field the apply would change and <paramref name="force"/> is false (with force, ownership moves);
    /// 400 when <paramref name="applied"/> has another apiVersion or sets <c>metadata.managedFields</c>;
    /// 500 with kube's "failed to create typed patch object" message when it does not fit the schema.
    /// </exception>
    public static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, bool force, string apiVersion,
        TypeSchema? schema, DateTime now, string? subresource = null) =>
        Apply(live, applied, manager, force, apiVersion, SchemaNodes.For(schema), now, subresource, resetFields: null);

    /// <inheritdoc cref="Apply(JsonObject?, JsonObject, string, bool, string, TypeSchema?, DateTime, string?)"/>
    /// <param name="resetFields">
    /// Dotted paths the endpoint's strategy resets, owned by nobody through it (kube's <c>GetResetFields</c>);
    /// null for <see cref="DefaultResetFields"/>.
    /// </param>
    public static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, bool force, string apiVersion,
        ISchemaNode schema, DateTime now, string? subresource, IReadOnlyCollection<string>? resetFields)
    {
        // kube's structuredMergeManager checks.
        var patchVersion = applied["apiVersion"] is JsonValue av && av.GetValueKind() == JsonValueKind.String ? av.GetValue<string>() : "";
        if (patchVersion != apiVersion)
        {
            throw StatusException.BadRequest(
                $"Incorrect version specified in apply patch. Specified patch version: {patchVersion}, expected: {apiVersion}");
        }
        if (applied["metadata"] is JsonObject appliedMeta && appliedMeta["managedFields"] is not null)
        {
            throw StatusException.BadRequest("metadata.managedFields must be nil");
        }
        var errors = AppliedValidator.Validate(applied, schema);
        if (errors.Count > 0)
        {
            throw TypedObjectError("failed to create typed patch object", applied, errors);
        }

        var liveObj = live is null ? [] : (JsonObject)live.DeepClone();
        Managed managed;
        try
        {
            managed = ManagedFieldsCodec.Decode(GetManagedFields(liveObj, out _));
        }
        catch (FormatException e)
        {
            throw StatusException.Internal("failed to decode managed fields: " + e.Message);
        }
        var index = RemoveManagedFields(liveObj);

        var context = new Context(schema, apiVersion, subresource, ManagedFieldsCodec.Truncate(now), resetFields);
        JsonObject result;
        try
        {
            try
            {
                (result, managed) = context.Apply(liveObj, applied, managed.Clone(), manager, force);
            }
            catch (ApplyConflictException conflict) when (manager == LastApplied.KubectlManager)
            {
                // kube's lastAppliedManager: conflicts with values client-side apply recorded are forced.
                var allowed = LastApplied.AllowedConflicts(liveObj, apiVersion, schema);
                if (allowed is null)
                {
                    throw;
                }
                if (conflict.Without(allowed) is { } remaining)
                {
                    throw remaining;
                }
                (result, managed) = context.Apply(liveObj, applied, managed.Clone(), manager, force: true);
            }
        }
        catch (ApplyConflictException conflict)
        {
            throw conflict.ToStatusException();
        }
        catch (SchemaValueException e)
        {
            throw TypedObjectError("failed to create typed live object", liveObj, [e.Message]);
        }
        if (manager == LastApplied.KubectlManager)
        {
            LastApplied.Sync(result, applied);
        }
        SetManagedFields(result, ManagedFieldsCodec.Encode(managed), index);
        return result;
    }

    /// <summary>
    /// kube's <c>IgnoreManagedFieldsTimestampsTransformer</c>: when <paramref name="newObj"/> differs from
    /// <paramref name="oldObj"/> only in managed-fields timestamps (a write whose changes the strategy undid),
    /// puts the old timestamps back so the write is a no-op and bumps no resourceVersion. Returns whether it did.
    /// Call it on the final object, after the strategy, before storing.
    /// </summary>
    public static bool RevertTimestampOnlyChanges(JsonObject newObj, JsonObject oldObj)
    {
        if (GetManagedFields(newObj, out _) is not JsonArray newEntries || GetManagedFields(oldObj, out _) is not JsonArray oldEntries
            || newEntries.Count != oldEntries.Count || newEntries.Count == 0)
        {
            return false;
        }
        var timeChanged = false;
        for (var i = 0; i < newEntries.Count; i++)
        {
            if (newEntries[i] is not JsonObject n || oldEntries[i] is not JsonObject o || !EqualIgnoring(n, o, "time"))
            {
                return false;
            }
            timeChanged |= !GoJson.DeepEquals(n["time"], o["time"]);
        }
        if (!timeChanged || !EqualIgnoringManagedFields(newObj, oldObj))
        {
            return false;
        }
        for (var i = 0; i < newEntries.Count; i++)
        {
            var entry = (JsonObject)newEntries[i]!;
            if (oldEntries[i]!["time"] is { } oldTime)
            {
                entry["time"] = oldTime.DeepClone();
            }
            else
            {
                entry.Remove("time");
            }
        }
        return true;
    }

    private static bool EqualIgnoring(JsonObject a, JsonObject b, string key)
    {
        var count = 0;
        foreach (var (k, v) in a)
        {
            if (k == key)
            {
                continue;
            }
            count++;
            if (!b.TryGetPropertyValue(k, out var other) || !GoJson.DeepEquals(v, other))
            {
                return false;
            }
        }
        return count == b.Count - (b.ContainsKey(key) ? 1 : 0);
    }

    private static bool EqualIgnoringManagedFields(JsonObject a, JsonObject b)
    {
        if (!EqualIgnoring(a, b, "metadata"))
        {
            return false;
        }
        var ma = a["metadata"] as JsonObject;
        var mb = b["metadata"] as JsonObject;
        return ma is null || mb is null ? GoJson.DeepEquals(ma, mb) : EqualIgnoring(ma, mb, "managedFields");
    }

    /// <summary>
    /// kube's apply version check: the applied object must be of the endpoint's group, version and kind;
    /// otherwise 400 <c>invalid object type: apps/v1, Kind=Deployment</c>. Call it before <see cref="Apply(JsonObject?, JsonObject, string, bool, string, TypeSchema?, DateTime, string?)"/>.
    /// </summary>
    public static void CheckAppliedType(JsonObject applied, string apiVersion, string kind)
    {
        var appliedVersion = GetString(applied, "apiVersion") ?? "";
        var appliedKind = GetString(applied, "kind") ?? "";
        if (appliedVersion != apiVersion || appliedKind != kind)
        {
            throw StatusException.BadRequest("invalid object type: " + GvkString(appliedVersion, appliedKind));
        }
    }

    /// <summary>
    /// The fields kube's strategies reset for an endpoint when none are given: <c>status</c> on the main
    /// resource of a kind that has one, <c>spec</c> on <c>/status</c>, nothing elsewhere. Pass an explicit
    /// list for custom resources without a status subresource (their status is an ordinary field).
    /// </summary>
    public static IReadOnlyList<string> DefaultResetFields(ISchemaNode schema, string? subresource) => subresource switch
    {
        null or "" => schema.Field("status") is not null ? ["status"] : [],
        "status" => ["spec"],
        _ => [],
    };

    private static FieldSet BuildResetSet(ISchemaNode schema, string? subresource, IReadOnlyCollection<string>? resetFields)
    {
        var set = new FieldSet();
        foreach (var path in resetFields ?? DefaultResetFields(schema, subresource))
        {
            set.Insert(path.Split('.').Select(PathElement.Field).ToArray());
        }
        return set.Seal();
    }

    private static FieldSet BuildStripSet()
    {
        var set = new FieldSet();
        foreach (var top in new[] { "apiVersion", "kind", "metadata" })
        {
            set.Insert([PathElement.Field(top)]);
        }
        foreach (var m in new[] { "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion" })
        {
            set.Insert([PathElement.Field("metadata"), PathElement.Field(m)]);
        }
        return set.Seal();
    }

    private static bool IsCreate(JsonObject? oldObj) =>
        oldObj is null || oldObj["metadata"] is not JsonObject m || m["uid"] is not JsonValue uid
        || uid.GetValueKind() != JsonValueKind.String || uid.GetValue<string>().Length == 0;

    private static Managed DecodeOrEmpty(JsonNode? managedFields) => TryDecode(managedFields) ?? new Managed();

    private static Managed? TryDecode(JsonNode? managedFields)
    {
        try
        {
            return ManagedFieldsCodec.Decode(managedFields);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static JsonNode? GetManagedFields(JsonObject obj, out bool present)
    {
        present = false;
        if (obj["metadata"] is JsonObject m && m.TryGetPropertyValue("managedFields", out var mf))
        {
            present = mf is not null;
            return mf;
        }
        return null;
    }

    /// <summary>Removes managedFields, returning where it was so it can be put back in place (-1 if absent).</summary>
    private static int RemoveManagedFields(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            var index = m.IndexOf("managedFields");
            if (index >= 0)
            {
                m.RemoveAt(index);
            }
            return index;
        }
        return -1;
    }

    // Keeping the field's position keeps an unchanged object byte-for-byte identical.
    private static void SetManagedFields(JsonObject obj, JsonNode? managedFields, int index)
    {
        if (managedFields is null)
        {
            RemoveManagedFields(obj);
            return;
        }
        if (obj["metadata"] is not JsonObject m)
        {
            m = [];
            obj["metadata"] = m;
        }
        var existing = m.IndexOf("managedFields");
        if (existing >= 0)
        {
            m[existing] = managedFields;
        }
        else if (index >= 0 && index <= m.Count)
        {
            m.Insert(index, "managedFields", managedFields);
        }
        else
        {
            m["managedFields"] = managedFields;
        }
    }

    private static string? GetString(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    // schema.GroupVersionKind.String(): "apps/v1, Kind=Deployment", "/v1, Kind=Pod".
    private static string GvkString(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        return $"{group}/{version}, Kind={kind}";
    }

    // A plain error in kube, so a 500 without a reason, naming the object as "namespace/name; gvk".
    private static StatusException TypedObjectError(string what, JsonObject obj, IReadOnlyList<string> errors)
    {
        var meta = obj["metadata"] as JsonObject;
        var ns = meta is null ? "" : GetString(meta, "namespace") ?? "";
        var name = meta is null ? "" : GetString(meta, "name") ?? "";
        var gvk = GvkString(GetString(obj, "apiVersion") ?? "", GetString(obj, "kind") ?? "");
        var detail = errors.Count == 1 ? errors[0] : "errors:\n  " + string.Join("\n  ", errors);
        return new StatusException(new V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Metadata = new V1ListMeta(),
            Status = "Failure",
            Code = 500,
            Message = $"{what} ({ns}/{name}; {gvk}): {detail}",
        });
    }

    /// <summary>One request's settings and the inner layers of kube's field manager.</summary>
    private sealed class Context(ISchemaNode schema, string apiVersion, string? subresource, DateTime now, IReadOnlyCollection<string>? resetFields)
    {
        private readonly Updater _updater = new(schema, BuildResetSet(schema, subresource, resetFields));

        /// <summary>capManagers → buildManagerInfo → managedFieldsUpdater → stripMeta → structured merge.</summary>
        public void Update(JsonObject live, JsonObject updated, Managed managed, string manager)
        {
            var id = ManagerId.Create(manager.Length == 0 ? "unknown" : manager, ManagerId.OperationUpdate, apiVersion, subresource);
            var self = ManagerId.CurrentOperation;
            _updater.Update(live, updated, apiVersion, managed.Fields, self);
            Strip(managed.Fields, self);
            if (managed.Fields.Remove(self, out var current))
            {
                managed.Fields[id] = managed.Fields.TryGetValue(id, out var previous)
                    ? current with { Set = current.Set.Union(previous.Set) }
                    : current;
                managed.Times[id] = now;
            }
            CapUpdateManagers(managed);
        }

        /// <summary>skipNonApplied → buildManagerInfo → managedFieldsUpdater → stripMeta → structured merge.</summary>
        public (JsonObject Result, Managed Managed) Apply(JsonObject live, JsonObject applied, Managed managed, string manager, bool force)
        {
            if (managed.Fields.Count == 0)
            {
                Update([], live, managed, BeforeFirstApplyManager);
            }
            var id = ManagerId.Create(manager.Length == 0 ? "unknown" : manager, ManagerId.OperationApply, null, subresource);
            var merged = _updater.Apply(live, applied, apiVersion, managed.Fields, id, force);
            Strip(managed.Fields, id);
            if (merged is not null)
            {
                managed.Times[id] = now;
            }
            return (merged ?? (JsonObject)live.DeepClone(), managed);
        }

        private static void Strip(Dictionary<ManagerId, VersionedSet> fields, ManagerId id)
        {
            if (fields.TryGetValue(id, out var vs))
            {
                var set = vs.Set.Difference(StripSet);
                if (set.IsEmpty)
                {
                    fields.Remove(id);
                }
                else
                {
                    fields[id] = vs with { Set = set };
                }
            }
        }

        // kube's capManagersManager: fold the oldest Update entries into per-version "ancient-changes" buckets.
        private static void CapUpdateManagers(Managed managed)
        {
            var count = 0;
            foreach (var vs in managed.Fields.Values)
            {
                count += vs.Applied ? 0 : 1;
            }
            if (count <= MaxUpdateManagers)
            {
                return;
            }
            var updaters = managed.Fields.Where(kv => !kv.Value.Applied).Select(kv => kv.Key).ToList();
            long Seconds(ManagerId m) =>
                managed.Times.TryGetValue(m, out var t) && t is { } time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeSeconds() : 0;
            updaters.Sort((a, b) =>
            {
                var c = Seconds(a).CompareTo(Seconds(b));
                return c != 0 ? c : string.CompareOrdinal(a.Identifier, b.Identifier);
            });
            var firstByVersion = new Dictionary<string, ManagerId>(StringComparer.Ordinal);
            var length = updaters.Count;
            for (var i = 0; i < updaters.Count && length > MaxUpdateManagers; i++)
            {
                var m = updaters[i];
                var vs = managed.Fields[m];
                managed.Times.TryGetValue(m, out var time);
                var bucket = ManagerId.Create(AncientChangesManager, ManagerId.OperationUpdate, vs.ApiVersion, null);
                if (firstByVersion.TryGetValue(vs.ApiVersion, out var first))
                {
                    if (!managed.Fields.ContainsKey(bucket))
                    {
                        managed.Fields[bucket] = managed.Fields[first];
                        managed.Fields.Remove(first);
                    }
                    managed.Fields[bucket] = new VersionedSet(vs.Set.Union(managed.Fields[bucket].Set), vs.ApiVersion, vs.Applied);
                    managed.Fields.Remove(m);
                    length--;
                    managed.Times[bucket] = time;
                }
                else
                {
                    firstByVersion[vs.ApiVersion] = m;
                }
            }
        }
    }
}
