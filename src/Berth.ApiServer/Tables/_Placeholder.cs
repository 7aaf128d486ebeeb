// Temporary until the tables helper's branch lands: NAME and AGE only.
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Kinds;

namespace Berth.ApiServer.Tables;

public enum IncludeObject
{
    None,
    Metadata,
    Object,
}

public sealed class TableConvertor(TimeProvider time)
{
    public void WriteTable(Utf8JsonWriter writer, ResourceInfo info, IEnumerable<JsonObject> objects, string resourceVersion,
        string? continueToken, long? remainingItemCount, IncludeObject include)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "Table");
        writer.WriteString("apiVersion", "meta.k8s.io/v1");
        writer.WriteStartObject("metadata");
        writer.WriteString("resourceVersion", resourceVersion);
        if (continueToken is not null)
        {
            writer.WriteString("continue", continueToken);
        }
        writer.WriteEndObject();
        writer.WriteStartArray("columnDefinitions");
        foreach (var (n, f) in new[] { ("Name", "name"), ("Age", "") })
        {
            writer.WriteStartObject();
            writer.WriteString("name", n);
            writer.WriteString("type", "string");
            writer.WriteString("format", f);
            writer.WriteString("description", n);
            writer.WriteNumber("priority", 0);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("rows");
        foreach (var o in objects)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("cells");
            writer.WriteStringValue(o["metadata"]?["name"]?.GetValue<string>() ?? "");
            var created = o["metadata"]?["creationTimestamp"]?.GetValue<string>();
            var age = created is null ? "<unknown>" : ((int)(time.GetUtcNow() - DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture)).TotalSeconds) + "s";
            writer.WriteStringValue(age);
            writer.WriteEndArray();
            if (include != IncludeObject.None)
            {
                writer.WritePropertyName("object");
                var partial = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = o["metadata"]?.DeepClone(),
                };
                (include == IncludeObject.Object ? o : partial).WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
