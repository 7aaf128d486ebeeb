using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Client.Events;

/// <summary>
/// Records core/v1 Events about objects, as client-go's event recorder does: an event repeated for the
/// same object, reason and message within 10 minutes bumps <c>count</c> and <c>lastTimestamp</c> of the
/// existing Event instead of creating a new one. Fire-and-forget: failures are logged, never thrown.
/// </summary>
public sealed class EventRecorder(IApiClient client, string component, string? host = null, ILogger? logger = null, TimeProvider? time = null)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    private static readonly TimeSpan AggregationWindow = TimeSpan.FromMinutes(10);

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, (string Name, DateTime First, int Count)> _seen = new(StringComparer.Ordinal);

    /// <summary>Records an event about <paramref name="obj"/> (any object with apiVersion, kind and metadata).</summary>
    public void Event(JsonObject obj, string type, string reason, string message) => _ = RecordAsync(obj, type, reason, message);

    public async Task RecordAsync(JsonObject obj, string type, string reason, string message)
    {
        var events = client.Kinds.Find("", "v1", "events")!;
        var meta = obj["metadata"] as JsonObject;
        var ns = meta?["namespace"]?.GetValue<string>() ?? "default";
        var name = meta?["name"]?.GetValue<string>() ?? "";
        var uid = meta?["uid"]?.GetValue<string>() ?? "";
        var now = _time.GetUtcNow().UtcDateTime;
        var stamp = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var key = string.Join('\u0000', ns, uid, type, reason, message);
        try
        {
            if (_seen.TryGetValue(key, out var prior) && now - prior.First < AggregationWindow)
            {
                var count = prior.Count + 1;
                _seen[key] = (prior.Name, prior.First, count);
                var patch = new JsonObject { ["count"] = count, ["lastTimestamp"] = stamp };
                try
                {
                    await client.PatchAsync(events, ns, prior.Name, PatchKind.Merge, Encoding.UTF8.GetBytes(patch.ToJsonString())).ConfigureAwait(false);
                    return;
                }
                catch (StatusException e) when (e.Code == 404)
                {
                    // Expired or deleted: write a new one.
                }
            }
            var eventName = $"{name}.{now.Ticks:x}";
            var ev = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject { ["name"] = eventName, ["namespace"] = ns },
                ["involvedObject"] = new JsonObject
                {
                    ["apiVersion"] = obj["apiVersion"]?.DeepClone(),
                    ["kind"] = obj["kind"]?.DeepClone(),
                    ["name"] = name,
                    ["namespace"] = meta?["namespace"]?.DeepClone(),
                    ["uid"] = uid,
                    ["resourceVersion"] = meta?["resourceVersion"]?.DeepClone(),
                },
                ["reason"] = reason,
                ["message"] = message,
                ["type"] = type,
                ["source"] = host is null ? new JsonObject { ["component"] = component } : new JsonObject { ["component"] = component, ["host"] = host },
                ["reportingComponent"] = component,
                ["reportingInstance"] = host ?? component,
                ["firstTimestamp"] = stamp,
                ["lastTimestamp"] = stamp,
                ["count"] = 1,
            };
            await client.CreateAsync(events, ns, ev).ConfigureAwait(false);
            _seen[key] = (eventName, now, 1);
            if (_seen.Count > 4096)
            {
                foreach (var (k, v) in _seen)
                {
                    if (now - v.First > AggregationWindow)
                    {
                        _seen.TryRemove(k, out _);
                    }
                }
            }
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "could not record event {Reason} for {Namespace}/{Name}", reason, ns, name);
        }
    }
}
