using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.ApiServer.Registry;
using Berth.ApiServer.Tables;
using Microsoft.AspNetCore.Http;

namespace Berth.ApiServer.Rest;

/// <summary>Writes API responses: objects, lists (streamed item bytes), tables and Status errors.</summary>
public sealed class ResponseWriter(TableConvertor tables, VersionConverter converter)
{
    public const string Json = "application/json";

    public TableConvertor Tables { get; } = tables;

    public static async Task WriteBytesAsync(HttpContext ctx, int code, ReadOnlyMemory<byte> body, string contentType = Json)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = contentType;
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }

    public static Task WriteStatusAsync(HttpContext ctx, StatusException e)
    {
        var body = KubeJson.SerializeToUtf8(e.Status);
        if (e.Status.Details?.RetryAfterSeconds is int retry)
        {
            ctx.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }
        return WriteBytesAsync(ctx, e.Code, body);
    }

    /// <summary>A success Status (for deletes that removed the object at once).</summary>
    public static Task WriteSuccessAsync(HttpContext ctx, ResourceInfo info, string name, string? uid)
    {
        var status = new k8s.Models.V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Metadata = new k8s.Models.V1ListMeta(),
            Status = "Success",
            Details = new k8s.Models.V1StatusDetails
            {
                Name = name,
                Group = string.IsNullOrEmpty(info.Group) ? null : info.Group,
                Kind = info.Resource,
                Uid = uid,
            },
        };
        return WriteBytesAsync(ctx, 200, KubeJson.SerializeToUtf8(status));
    }

    public static void AddWarnings(HttpContext ctx, List<string> warnings)
    {
        foreach (var w in warnings.Distinct())
        {
            ctx.Response.Headers.Append("Warning", "299 - \"" + w.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"");
        }
    }

    /// <summary>Writes one object in the shape the client asked for.</summary>
    public async Task WriteObjectAsync(HttpContext ctx, int code, ResourceInfo info, JsonObject obj, ResponseShape shape)
    {
        if (shape == ResponseShape.Object)
        {
            await WriteBytesAsync(ctx, code, KubeJson.ToBytes(obj)).ConfigureAwait(false);
            return;
        }
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            if (shape == ResponseShape.Table)
            {
                Tables.WriteTable(w, info, [obj], obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "", null, null, Include(ctx));
            }
            else
            {
                WritePartial(w, obj);
            }
        }
        await WriteBytesAsync(ctx, code, buffer.WrittenMemory).ConfigureAwait(false);
    }

    public static IncludeObject Include(HttpContext ctx) => TableOptions.ParseIncludeObject(ctx.Request.Query["includeObject"].ToString());

    private static void WritePartial(Utf8JsonWriter w, JsonObject obj)
    {
        w.WriteStartObject();
        w.WriteString("kind", "PartialObjectMetadata");
        w.WriteString("apiVersion", "meta.k8s.io/v1");
        w.WritePropertyName("metadata");
        (obj["metadata"] ?? new JsonObject()).WriteTo(w);
        w.WriteEndObject();
    }

    /// <summary>Streams a list: the cached item bytes are copied, never re-serialized (unless converted).</summary>
    public async Task WriteListAsync(HttpContext ctx, ResourceInfo info, ListResult list, ResponseShape shape)
    {
        var rv = list.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = Json;
        var pipe = ctx.Response.BodyWriter;
        if (shape == ResponseShape.Table)
        {
            await using (var w = new Utf8JsonWriter(pipe))
            {
                await Tables.WriteTableAsync(w, info, list.Items.Select(i => ParseItem(info, i.Json)), rv, list.Continue, list.RemainingItemCount,
                    Include(ctx), cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
            }
            await pipe.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            return;
        }
        using (var w = new Utf8JsonWriter(pipe))
        {
            w.WriteStartObject();
            if (shape == ResponseShape.PartialObjectMetadata)
            {
                w.WriteString("kind", "PartialObjectMetadataList");
                w.WriteString("apiVersion", "meta.k8s.io/v1");
            }
            else
            {
                w.WriteString("kind", info.ListKind);
                w.WriteString("apiVersion", info.ApiVersion);
            }
            w.WriteStartObject("metadata");
            w.WriteString("resourceVersion", rv);
            if (list.Continue is not null)
            {
                w.WriteString("continue", list.Continue);
            }
            if (list.RemainingItemCount is long remaining)
            {
                w.WriteNumber("remainingItemCount", remaining);
            }
            w.WriteEndObject();
            w.WritePropertyName("items");
            w.WriteStartArray();
            w.Flush();
        }
        var first = true;
        var pending = 0;
        foreach (var item in list.Items)
        {
            if (!first)
            {
                Write(pipe, ","u8);
            }
            first = false;
            if (shape == ResponseShape.PartialObjectMetadata)
            {
                using var w = new Utf8JsonWriter(pipe);
                WritePartial(w, ParseItem(info, item.Json));
            }
            else
            {
                Write(pipe, converter.ConvertBytes(info, item.Json));
            }
            pending += item.Json.Length;
            if (pending > 64 * 1024)
            {
                pending = 0;
                await pipe.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            }
        }
        Write(pipe, "]}"u8);
        await pipe.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    private JsonObject ParseItem(ResourceInfo info, byte[] json) =>
        converter.FromStorage(info, KubeJson.ParseObject(json));

    public static void Write(PipeWriter pipe, ReadOnlySpan<byte> bytes) => BuffersExtensions.Write(pipe, bytes);
}
