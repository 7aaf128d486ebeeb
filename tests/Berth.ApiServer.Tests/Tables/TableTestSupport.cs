using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using Berth.ApiServer.Tables;

namespace Berth.ApiServer.Tests.Tables;

/// <summary>A clock that stands still at <see cref="TableTestSupport.Now"/> unless a test moves it.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class TableTestSupport
{
    /// <summary>The instant every test's "now" is; timestamps in fixtures are written relative to it.</summary>
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static TableConvertor Convertor() => new(new FixedTime(Now));

    /// <summary>RFC 3339 timestamp <paramref name="ago"/> before <see cref="Now"/>.</summary>
    public static string Ago(TimeSpan ago) => (Now - ago).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static ResourceInfo Info(string group, string kind, string version = "") =>
        BuiltinKinds.Resources.First(r => r.Group == group && r.Kind == kind && (version.Length == 0 || r.Version == version));

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>The cells of the row of <paramref name="json"/>, converted as <paramref name="info"/>.</summary>
    public static IReadOnlyList<object?> Cells(ResourceInfo info, string json) =>
        Convertor().Row(info, Parse(json), IncludeObject.None).Cells;

    /// <summary>The cell of column <paramref name="column"/> (by name, as kube names it).</summary>
    public static object? Cell(ResourceInfo info, string json, string column)
    {
        var convertor = Convertor();
        var columns = convertor.Columns(info);
        var index = columns.ToList().FindIndex(c => c.Name == column);
        Assert.True(index >= 0, $"no column {column} in {info.Kind}");
        return convertor.Row(info, Parse(json), IncludeObject.None).Cells[index];
    }

    public static string WriteTable(TableConvertor convertor, ResourceInfo info, IEnumerable<JsonObject> objects,
        string resourceVersion, string? continueToken, long? remaining, IncludeObject include, bool includeColumns = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            convertor.WriteTable(writer, info, objects, resourceVersion, continueToken, remaining, include, includeColumns);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Re-serializes <paramref name="json"/> compactly, keeping member order, so two documents compare as text.</summary>
    public static string Normalize(string json) => JsonNode.Parse(json)!.ToJsonString();
}
