using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// Reads and writes <c>metadata.managedFields</c> as kube's <c>DecodeManagedFields</c>/<c>encodeManagedFields</c> do:
/// the same validation messages, the same entry layout (manager, operation, apiVersion, time, fieldsType,
/// fieldsV1, subresource) and the same order (Apply before Update, then by time, manager, apiVersion, subresource).
/// </summary>
internal static class ManagedFieldsCodec
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <exception cref="FormatException">kube's decoding error message.</exception>
    public static Managed Decode(JsonNode? managedFields)
    {
        var managed = new Managed();
        if (managedFields is null)
        {
            return managed;
        }
        if (managedFields is not JsonArray entries)
        {
            throw new FormatException("managedFields must be a list");
        }
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not JsonObject e)
            {
                throw new FormatException($"managed fields entry {i} must be an object");
            }
            var operation = GetString(e, "operation");
            if (operation is not (ManagerId.OperationApply or ManagerId.OperationUpdate))
            {
                throw new FormatException("operation must be `Apply` or `Update`");
            }
            var apiVersion = GetString(e, "apiVersion");
            if (string.IsNullOrEmpty(apiVersion))
            {
                throw new FormatException("apiVersion must not be empty");
            }
            var fieldsType = GetString(e, "fieldsType");
            if (string.IsNullOrEmpty(fieldsType))
            {
                throw new FormatException($"missing fieldsType in managed fields entry {i}");
            }
            if (fieldsType != "FieldsV1")
            {
                throw new FormatException($"invalid fieldsType {GoJson.Quote(fieldsType)} in managed fields entry {i}");
            }
            var id = ManagerId.Create(GetString(e, "manager") ?? "", operation, apiVersion, GetString(e, "subresource"));
            FieldSet set;
            bool canonical;
            try
            {
                set = FieldsV1.Decode(e["fieldsV1"], out canonical);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"error decoding versioned set from {e.ToJsonString()}: error decoding set: {ex.Message}", ex);
            }
            // Keep the stored encoding to reuse if this manager's fields do not change (only if it is canonical).
            managed.Fields[id] = new VersionedSet(set, apiVersion, operation == ManagerId.OperationApply, canonical ? e["fieldsV1"] : null, set);
            managed.Times[id] = ParseTime(e["time"]);
        }
        return managed;
    }

    private static DateTime? ParseTime(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && DateTime.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        }
        throw new FormatException("invalid time in managed fields entry: " + node.ToJsonString());
    }

    /// <summary>kube's <c>isResetManagedFields</c>: <c>[]</c> or <c>[{}]</c> asks to clear managed fields.</summary>
    public static bool IsReset(bool present, JsonNode? managedFields)
    {
        if (!present || managedFields is not JsonArray a)
        {
            return false;
        }
        if (a.Count == 0)
        {
            return true;
        }
        if (a.Count != 1 || a[0] is not JsonObject e)
        {
            return false;
        }
        foreach (var (_, v) in e)
        {
            // An entry equal to the zero ManagedFieldsEntry: every field absent, null or "".
            if (v is null)
            {
                continue;
            }
            if (v is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>().Length == 0)
            {
                continue;
            }
            return false;
        }
        return true;
    }

    /// <summary>The managedFields list, or null when no manager owns anything (kube then omits the field).</summary>
    public static JsonArray? Encode(Managed managed)
    {
        if (managed.Fields.Count == 0)
        {
            return null;
        }
        var entries = new List<(string Operation, long Seconds, string Manager, string ApiVersion, string Subresource, JsonObject Entry)>(managed.Fields.Count);
        foreach (var (id, vs) in managed.Fields)
        {
            var operation = vs.Applied ? ManagerId.OperationApply : id.Operation;
            managed.Times.TryGetValue(id, out var time);
            var e = new JsonObject();
            if (id.Manager.Length > 0)
            {
                e["manager"] = id.Manager;
            }
            if (operation.Length > 0)
            {
                e["operation"] = operation;
            }
            if (vs.ApiVersion.Length > 0)
            {
                e["apiVersion"] = vs.ApiVersion;
            }
            if (time is { } t)
            {
                e["time"] = FormatTime(t);
            }
            e["fieldsType"] = "FieldsV1";
            e["fieldsV1"] = vs.EncodeFields();
            if (id.Subresource is not null)
            {
                e["subresource"] = id.Subresource;
            }
            var seconds = time is { } tt ? new DateTimeOffset(DateTime.SpecifyKind(tt, DateTimeKind.Utc)).ToUnixTimeSeconds() : 0;
            entries.Add((operation, seconds, id.Manager, vs.ApiVersion, id.Subresource ?? "", e));
        }
        entries.Sort(static (p, q) =>
        {
            var c = string.CompareOrdinal(p.Operation, q.Operation);
            if (c != 0)
            {
                return c;
            }
            c = p.Seconds.CompareTo(q.Seconds);
            if (c != 0)
            {
                return c;
            }
            c = string.CompareOrdinal(p.Manager, q.Manager);
            if (c != 0)
            {
                return c;
            }
            c = string.CompareOrdinal(p.ApiVersion, q.ApiVersion);
            return c != 0 ? c : string.CompareOrdinal(p.Subresource, q.Subresource);
        });
        var array = new JsonArray();
        foreach (var entry in entries)
        {
            array.Add(entry.Entry);
        }
        return array;
    }

    /// <summary>metav1.Time: RFC 3339 in UTC, whole seconds.</summary>
    public static string FormatTime(DateTime t) =>
        (t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t).ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTime Truncate(DateTime t)
    {
        var utc = t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    private static string? GetString(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
