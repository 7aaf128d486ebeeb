using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Kinds;

namespace Berth.ApiServer.Tables;

/// <summary>
/// Converts objects to <c>meta.k8s.io/v1 Table</c> rows with the columns and cell values kube-apiserver 1.33 prints
/// (k8s.io/kubernetes pkg/printers/internalversion), so <c>kubectl get</c>, <c>-o wide</c> and <c>--watch</c> look
/// as they do against Kubernetes.
/// </summary>
/// <remarks>
/// <code>
///  ResourceInfo ──► printer: built-in kind ─► its columns + cell function (pods, deployments, services…)
///                            custom resource ─► NAME + CRD additionalPrinterColumns (JSONPath), or NAME, AGE
///                            anything else ──► NAME, CREATED AT (kube's default convertor)
///  JsonObject ───► cells (always including priority-1 "wide" columns, as the server prints with Wide)
///              └─► object: none | PartialObjectMetadata | the object
/// </code>
/// Objects are read as the JSON of the served version; nothing here mutates them. Ages use one clock reading per
/// call, from the injected <see cref="TimeProvider"/>. Thread-safe.
/// </remarks>
public sealed class TableConvertor
{
    private static readonly Dictionary<(string Group, string Kind), KindPrinter> Builtins = BuildBuiltins();

    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<ResourceInfo, KindPrinter> _customPrinters = new();

    public TableConvertor(TimeProvider time) => _time = time;

    /// <summary>The columns of <paramref name="info"/>'s Table, wide (priority 1) columns included.</summary>
    public IReadOnlyList<TableColumnDefinition> Columns(ResourceInfo info) => PrinterFor(info).Columns;

    /// <summary>
    /// One row for <paramref name="obj"/>. With <see cref="IncludeObject.Object"/> the row holds
    /// <paramref name="obj"/> itself; with <see cref="IncludeObject.Metadata"/> a new PartialObjectMetadata
    /// holding a copy of its metadata.
    /// </summary>
    public TableRow Row(ResourceInfo info, JsonObject obj, IncludeObject include)
    {
        var printer = PrinterFor(info);
        var ctx = new PrintContext(_time.GetUtcNow());
        var view = JsonView.Of(obj);
        return new TableRow
        {
            Cells = printer.Cells(view, ctx),
            Conditions = printer.Conditions(view),
            Object = include switch
            {
                IncludeObject.Object => obj,
                IncludeObject.Metadata => new JsonObject
                {
                    ["kind"] = PartialObjectMetadata.PartialObjectMetadataKind,
                    ["apiVersion"] = Table.MetaApiVersion,
                    ["metadata"] = view["metadata"].ToNode() ?? new JsonObject(),
                },
                _ => null,
            },
        };
    }

    /// <summary>A whole Table as an object, for single objects and small lists; big lists should use <see cref="WriteTable(Utf8JsonWriter, ResourceInfo, IEnumerable{JsonObject}, string, string?, long?, IncludeObject)"/>.</summary>
    public Table ToTable(ResourceInfo info, IEnumerable<JsonObject> objects, string resourceVersion, string? continueToken,
        long? remainingItemCount, IncludeObject include, bool includeColumns = true)
    {
        var rows = new List<TableRow>();
        foreach (var obj in objects)
        {
            rows.Add(Row(info, obj, include));
        }
        return new Table
        {
            Metadata = new k8s.Models.V1ListMeta
            {
                ResourceVersion = string.IsNullOrEmpty(resourceVersion) ? null : resourceVersion,
                ContinueProperty = string.IsNullOrEmpty(continueToken) ? null : continueToken,
                RemainingItemCount = remainingItemCount,
            },
            ColumnDefinitions = includeColumns ? Columns(info) : null,
            Rows = rows,
        };
    }

    /// <summary>
    /// Writes the Table for <paramref name="objects"/> to <paramref name="writer"/> row by row, without building
    /// it in memory first. Does not flush: the caller flushes <paramref name="writer"/> (or use
    /// <see cref="WriteTableAsync"/>, which flushes as it goes).
    /// </summary>
    /// <param name="resourceVersion">The list's (or the single object's) resourceVersion; omitted when empty.</param>
    /// <param name="continueToken">The list's continue token; omitted when null or empty.</param>
    /// <param name="remainingItemCount">Omitted when null.</param>
    public void WriteTable(Utf8JsonWriter writer, ResourceInfo info, IEnumerable<JsonObject> objects, string resourceVersion,
        string? continueToken, long? remainingItemCount, IncludeObject include) =>
        WriteTable(writer, info, objects, resourceVersion, continueToken, remainingItemCount, include, includeColumns: true);

    /// <summary>
    /// As <see cref="WriteTable(Utf8JsonWriter, ResourceInfo, IEnumerable{JsonObject}, string, string?, long?, IncludeObject)"/>;
    /// with <paramref name="includeColumns"/> false, <c>columnDefinitions</c> is <c>null</c>, which is what
    /// kube-apiserver sends in every watch event after the first.
    /// </summary>
    public void WriteTable(Utf8JsonWriter writer, ResourceInfo info, IEnumerable<JsonObject> objects, string resourceVersion,
        string? continueToken, long? remainingItemCount, IncludeObject include, bool includeColumns)
    {
        var printer = PrinterFor(info);
        var ctx = new PrintContext(_time.GetUtcNow());
        WriteStart(writer, printer, resourceVersion, continueToken, remainingItemCount, includeColumns);
        foreach (var obj in objects)
        {
            WriteRow(writer, printer, obj, ctx, include);
        }
        WriteEnd(writer);
    }

    /// <summary>
    /// As <see cref="WriteTable(Utf8JsonWriter, ResourceInfo, IEnumerable{JsonObject}, string, string?, long?, IncludeObject, bool)"/>,
    /// flushing <paramref name="writer"/> asynchronously whenever <paramref name="flushThresholdBytes"/> are pending,
    /// so a large list streams to the client in constant memory and without synchronous I/O.
    /// </summary>
    public async Task WriteTableAsync(Utf8JsonWriter writer, ResourceInfo info, IEnumerable<JsonObject> objects,
        string resourceVersion, string? continueToken, long? remainingItemCount, IncludeObject include,
        bool includeColumns = true, int flushThresholdBytes = 64 * 1024, CancellationToken cancellationToken = default)
    {
        var printer = PrinterFor(info);
        var ctx = new PrintContext(_time.GetUtcNow());
        WriteStart(writer, printer, resourceVersion, continueToken, remainingItemCount, includeColumns);
        foreach (var obj in objects)
        {
            WriteRow(writer, printer, obj, ctx, include);
            if (writer.BytesPending >= flushThresholdBytes)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        WriteEnd(writer);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private KindPrinter PrinterFor(ResourceInfo info)
    {
        if (info.ModelType is null)
        {
            return _customPrinters.GetValue(info, static i => CustomResourcePrinter.Create(i.PrinterColumns));
        }
        return Builtins.TryGetValue((info.Group, info.Kind), out var printer) ? printer : DefaultPrinter.Printer;
    }

    private static Dictionary<(string Group, string Kind), KindPrinter> BuildBuiltins()
    {
        var printers = new Dictionary<(string Group, string Kind), KindPrinter>
        {
            [("", "Pod")] = PodPrinter.Printer,
        };
        WorkloadPrinters.Register(printers);
        NetworkPrinters.Register(printers);
        ClusterPrinters.Register(printers);
        ConfigPrinters.Register(printers);
        AutoscalerPrinter.Register(printers);
        return printers;
    }

    private static void WriteStart(Utf8JsonWriter writer, KindPrinter printer, string resourceVersion, string? continueToken,
        long? remainingItemCount, bool includeColumns)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", Table.TableKind);
        writer.WriteString("apiVersion", Table.MetaApiVersion);
        writer.WriteStartObject("metadata");
        if (!string.IsNullOrEmpty(resourceVersion))
        {
            writer.WriteString("resourceVersion", resourceVersion);
        }
        if (!string.IsNullOrEmpty(continueToken))
        {
            writer.WriteString("continue", continueToken);
        }
        if (remainingItemCount is { } remaining)
        {
            writer.WriteNumber("remainingItemCount", remaining);
        }
        writer.WriteEndObject();
        if (includeColumns)
        {
            writer.WriteStartArray("columnDefinitions");
            foreach (var c in printer.Columns)
            {
                writer.WriteStartObject();
                writer.WriteString("name", c.Name);
                writer.WriteString("type", c.Type);
                writer.WriteString("format", c.Format);
                writer.WriteString("description", c.Description);
                writer.WriteNumber("priority", c.Priority);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNull("columnDefinitions");
        }
        writer.WriteStartArray("rows");
    }

    private static void WriteEnd(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter writer, KindPrinter printer, JsonObject obj, PrintContext ctx, IncludeObject include)
    {
        var view = JsonView.Of(obj);
        writer.WriteStartObject();
        writer.WriteStartArray("cells");
        foreach (var cell in printer.Cells(view, ctx))
        {
            WriteCell(writer, cell);
        }
        writer.WriteEndArray();
        if (printer.Conditions(view) is { } conditions)
        {
            writer.WriteStartArray("conditions");
            foreach (var c in conditions)
            {
                writer.WriteStartObject();
                writer.WriteString("type", c.Type);
                writer.WriteString("status", c.Status);
                if (c.Reason is not null)
                {
                    writer.WriteString("reason", c.Reason);
                }
                if (c.Message is not null)
                {
                    writer.WriteString("message", c.Message);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WritePropertyName("object");
        switch (include)
        {
            case IncludeObject.Object:
                view.WriteTo(writer);
                break;
            case IncludeObject.Metadata:
                writer.WriteStartObject();
                writer.WriteString("kind", PartialObjectMetadata.PartialObjectMetadataKind);
                writer.WriteString("apiVersion", Table.MetaApiVersion);
                writer.WritePropertyName("metadata");
                if (view["metadata"] is { IsObject: true } metadata)
                {
                    metadata.WriteTo(writer);
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
        writer.WriteEndObject();
    }

    private static void WriteCell(Utf8JsonWriter writer, object? cell)
    {
        switch (cell)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            default:
                writer.WriteStringValue(cell.ToString());
                break;
        }
    }
}
