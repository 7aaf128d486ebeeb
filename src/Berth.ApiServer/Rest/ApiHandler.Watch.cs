using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Selectors;
using Berth.ApiServer.Registry;
using Berth.Storage;
using Berth.Storage.Cache;
using Microsoft.AspNetCore.Http;

namespace Berth.ApiServer.Rest;

public sealed partial class ApiHandler
{
    /// <summary>How often a watch with allowWatchBookmarks gets a BOOKMARK when idle.</summary>
    public static TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(30);

    private static ReadOnlySpan<byte> Added => "{\"type\":\"ADDED\",\"object\":"u8;
    private static ReadOnlySpan<byte> Modified => "{\"type\":\"MODIFIED\",\"object\":"u8;
    private static ReadOnlySpan<byte> Deleted => "{\"type\":\"DELETED\",\"object\":"u8;
    private static ReadOnlySpan<byte> Bookmark => "{\"type\":\"BOOKMARK\",\"object\":"u8;
    private static ReadOnlySpan<byte> Error => "{\"type\":\"ERROR\",\"object\":"u8;
    private static ReadOnlySpan<byte> EventEnd => "}\n"u8;

    /// <summary>
    /// Streams watch events as newline-delimited JSON (kube's chunked watch encoding), with bookmarks,
    /// the initial-events-end marker for streaming lists, and the server-side timeout.
    /// </summary>
    private async Task WatchAsync(HttpContext ctx, ResourceInfo info, string ns, string name, ResponseShape shape)
    {
        var options = QueryOptions.List(ctx.Request.Query);
        if (name.Length > 0)
        {
            options = options with
            {
                FieldSelector = new FieldSelector([.. options.FieldSelector.Requirements, new FieldRequirement("metadata.name", name, false)]),
            };
        }
        var ct = ctx.RequestAborted;
        var pipe = ctx.Response.BodyWriter;
        CacheWatcher watcher;
        try
        {
            watcher = await _storage.WatchAsync(info, ns, options, ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code == 410)
        {
            // kube reports an expired start revision inside the stream, as an ERROR event.
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = ResponseWriter.Json;
            ResponseWriter.Write(pipe, Error);
            ResponseWriter.Write(pipe, KubeJson.SerializeToUtf8(e.Status));
            ResponseWriter.Write(pipe, EventEnd);
            await pipe.FlushAsync(ct).ConfigureAwait(false);
            return;
        }
        using var _ = watcher;
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = ResponseWriter.Json;
        ctx.Response.Headers.CacheControl = "no-cache, private";
        await ctx.Response.StartAsync(ct).ConfigureAwait(false);
        await pipe.FlushAsync(ct).ConfigureAwait(false);

        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds is int t && t > 0 ? t : Random.Shared.Next(1800, 3600));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var initialLeft = watcher.InitialEvents;
        var sendEndMarker = options.SendInitialEvents == true;
        var firstTableEvent = true;
        var lastRevision = watcher.StartRevision;
        var reader = watcher.Events;
        var include = ResponseWriter.Include(ctx);
        if (sendEndMarker && initialLeft == 0)
        {
            WriteBookmark(pipe, info, watcher.StartRevision, endOfInitialEvents: true);
            sendEndMarker = false;
            await pipe.FlushAsync(ct).ConfigureAwait(false);
        }
        try
        {
            while (true)
            {
                var known = watcher.CacheRevision;
                bool more;
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
                {
                    wait.CancelAfter(BookmarkInterval);
                    try
                    {
                        more = await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                    {
                        if (options.AllowWatchBookmarks)
                        {
                            WriteBookmark(pipe, info, Math.Max(lastRevision, known), endOfInitialEvents: false);
                            await pipe.FlushAsync(ct).ConfigureAwait(false);
                        }
                        continue;
                    }
                }
                if (!more)
                {
                    break;
                }
                while (reader.TryRead(out var e))
                {
                    WriteEvent(pipe, info, e, shape, include, ref firstTableEvent);
                    lastRevision = Math.Max(lastRevision, e.Revision);
                    if (sendEndMarker && --initialLeft == 0)
                    {
                        WriteBookmark(pipe, info, watcher.StartRevision, endOfInitialEvents: true);
                        sendEndMarker = false;
                    }
                    if (pipe.UnflushedBytes > 256 * 1024)
                    {
                        await pipe.FlushAsync(ct).ConfigureAwait(false);
                    }
                }
                await pipe.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Timeout or client gone: end the stream cleanly.
        }
        catch (SlowWatcherException)
        {
            // Too far behind: closing the stream makes the client re-watch from its last revision.
        }
    }

    private void WriteEvent(System.IO.Pipelines.PipeWriter pipe, ResourceInfo info, CacheEvent e, ResponseShape shape,
        Tables.IncludeObject include, ref bool firstTableEvent)
    {
        ResponseWriter.Write(pipe, e.Type switch
        {
            CacheEventType.Added => Added,
            CacheEventType.Modified => Modified,
            _ => Deleted,
        });
        if (shape == ResponseShape.Object)
        {
            ResponseWriter.Write(pipe, _storage.Converter.ConvertBytes(info, e.Object.Json));
        }
        else
        {
            var obj = _storage.Converter.FromStorage(info, KubeJson.ParseObject(e.Object.Json));
            using var w = new Utf8JsonWriter(pipe);
            if (shape == ResponseShape.Table)
            {
                // kube sends the column definitions with the first event only.
                _writer.Tables.WriteTable(w, info, [obj], e.Revision.ToString(CultureInfo.InvariantCulture), null, null, include, firstTableEvent);
                firstTableEvent = false;
            }
            else
            {
                w.WriteStartObject();
                w.WriteString("kind", "PartialObjectMetadata");
                w.WriteString("apiVersion", "meta.k8s.io/v1");
                w.WritePropertyName("metadata");
                (obj["metadata"] ?? new JsonObject()).WriteTo(w);
                w.WriteEndObject();
            }
        }
        ResponseWriter.Write(pipe, EventEnd);
    }

    private static void WriteBookmark(System.IO.Pipelines.PipeWriter pipe, ResourceInfo info, long revision, bool endOfInitialEvents)
    {
        ResponseWriter.Write(pipe, Bookmark);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("kind", info.Kind);
            w.WriteString("apiVersion", info.ApiVersion);
            w.WriteStartObject("metadata");
            w.WriteString("resourceVersion", revision.ToString(CultureInfo.InvariantCulture));
            w.WriteNull("creationTimestamp");
            if (endOfInitialEvents)
            {
                w.WriteStartObject("annotations");
                w.WriteString("k8s.io/initial-events-end", "true");
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        ResponseWriter.Write(pipe, buffer.WrittenSpan);
        ResponseWriter.Write(pipe, EventEnd);
    }
}
