using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Kinds;
using Berth.ApiServer.Protobuf;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Berth.ApiServer.Registry;

/// <summary>
/// Decodes request bodies (JSON, YAML, Kubernetes protobuf) into JSON objects, reporting malformed
/// input as 400 and duplicate fields under Strict validation. Never throws anything but
/// <see cref="StatusException"/>.
/// </summary>
public static class BodyDecoder
{
    /// <summary>kube-apiserver's request body limit (3 MiB).</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    private const int MaxDepth = 256;

    /// <summary>The media type without parameters, lower-cased.</summary>
    public static string MediaType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return "";
        }
        var semi = contentType.IndexOf(';');
        return (semi < 0 ? contentType : contentType[..semi]).Trim().ToLowerInvariant();
    }

    /// <summary>Decodes a create or update body.</summary>
    /// <param name="duplicates">Receives the paths of duplicate fields (JSON and YAML).</param>
    public static JsonObject Decode(byte[] body, string? contentType, ResourceInfo info, KindRegistry kinds, List<string> duplicates)
    {
        var media = MediaType(contentType);
        if (body.Length == 0)
        {
            throw StatusException.BadRequest("the body of the request was empty");
        }
        if (media != KubernetesProtobuf.MediaType && !System.Text.Unicode.Utf8.IsValid(body))
        {
            throw CannotHandle(info, "the body is not valid UTF-8");
        }
        try
        {
            switch (media)
            {
                case "application/json":
                case "":
                    var before = duplicates.Count;
                    FindDuplicates(body, duplicates);
                    return duplicates.Count > before ? ParseLastWins(body, info) : ParseJsonObject(body, info);
                case "application/yaml":
                case "application/x-yaml":
                case "text/yaml":
                    return YamlToJson(Encoding.UTF8.GetString(body), duplicates) as JsonObject
                        ?? throw CannotHandle(info, "Object 'Kind' is missing in the YAML document");
                case KubernetesProtobuf.MediaType:
                    return KubernetesProtobuf.Decode(body, kinds);
                default:
                    throw StatusException.UnsupportedMediaType(contentType ?? "");
            }
        }
        catch (YamlException e)
        {
            throw CannotHandle(info, "yaml: " + e.Message);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or System.Text.DecoderFallbackException)
        {
            throw CannotHandle(info, "json: " + e.Message);
        }
    }

    private static StatusException CannotHandle(ResourceInfo info, string detail) =>
        StatusException.BadRequest($"{info.Kind} in version \"{info.Version}\" cannot be handled as a {info.Kind}: {detail}");

    private static JsonObject ParseJsonObject(byte[] body, ResourceInfo info)
    {
        try
        {
            return JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = false },
                new JsonDocumentOptions { MaxDepth = MaxDepth }) as JsonObject
                ?? throw CannotHandle(info, "the body is not a JSON object");
        }
        catch (JsonException e)
        {
            throw CannotHandle(info, "json: " + e.Message);
        }
        catch (ArgumentException e)
        {
            // Duplicate property names surface as ArgumentException from JsonObject.
            throw CannotHandle(info, "json: " + e.Message);
        }
    }

    /// <summary>Parses JSON that repeats property names, keeping the last value of each (as Go's decoder does).</summary>
    private static JsonObject ParseLastWins(byte[] body, ResourceInfo info)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return FromElement(doc.RootElement) as JsonObject ?? throw CannotHandle(info, "the body is not a JSON object");
        }
        catch (JsonException e)
        {
            throw CannotHandle(info, "json: " + e.Message);
        }
    }

    private static JsonNode? FromElement(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var p in e.EnumerateObject())
                {
                    obj[p.Name] = FromElement(p.Value);
                }
                return obj;
            case JsonValueKind.Array:
                var arr = new JsonArray();
                foreach (var item in e.EnumerateArray())
                {
                    arr.Add(FromElement(item));
                }
                return arr;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(e.Clone());
        }
    }

    /// <summary>Parses a JSON object (a patch document); 400 on malformed input.</summary>
    public static JsonObject DecodeJsonObject(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth }) as JsonObject
                ?? throw StatusException.BadRequest("the patch is not a JSON object");
        }
        catch (JsonException e)
        {
            throw StatusException.BadRequest("error decoding patch: " + e.Message);
        }
        catch (ArgumentException e)
        {
            throw StatusException.BadRequest("error decoding patch: " + e.Message);
        }
    }

    /// <summary>Decodes a server-side apply body (YAML or JSON).</summary>
    public static JsonObject DecodeApply(byte[] body)
    {
        if (body.Length == 0)
        {
            throw StatusException.BadRequest("the body of the request was empty");
        }
        try
        {
            var node = YamlToJson(Encoding.UTF8.GetString(body), []);
            return node as JsonObject ?? throw StatusException.BadRequest("error decoding YAML: the apply configuration is not an object");
        }
        catch (YamlException e)
        {
            throw StatusException.BadRequest("error decoding YAML: " + e.Message);
        }
    }

    /// <summary>Reports duplicate property names in JSON as dotted paths.</summary>
    public static void FindDuplicates(ReadOnlySpan<byte> json, List<string> duplicates)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var seen = new Stack<HashSet<string>>();
        var path = new List<string>();
        string? pending = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        seen.Push(new HashSet<string>(StringComparer.Ordinal));
                        path.Add(pending ?? "");
                        pending = null;
                        break;
                    case JsonTokenType.EndObject:
                        seen.Pop();
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.StartArray:
                        seen.Push(null!);
                        path.Add(pending ?? "");
                        pending = null;
                        break;
                    case JsonTokenType.EndArray:
                        seen.Pop();
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!seen.Peek().Add(name))
                        {
                            duplicates.Add(string.Join(".", path.Where(p => p.Length > 0).Append(name)));
                        }
                        pending = name;
                        break;
                    default:
                        pending = null;
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Syntax and encoding errors are reported by the parser with a better message.
        }
    }

    /// <summary>Most nodes one YAML document may expand to (aliases included): stops "billion laughs" bodies.</summary>
    private const int MaxYamlNodes = 1_000_000;

    /// <summary>
    /// Converts one YAML document to JSON with YAML 1.2 core-schema scalars, anchors, aliases and merge
    /// keys, as sigs.k8s.io/yaml does. Iterative over the parser's events (no recursion), with limits on
    /// depth and on the number of nodes aliases may expand to, so hostile input gets a 400, not a crash.
    /// </summary>
    public static JsonNode? YamlToJson(string yaml, List<string> duplicates)
    {
        using var reader = new StringReader(yaml);
        var parser = new MergingParser(new Parser(new Scanner(reader, skipComments: true)));
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _))
        {
            return null;
        }
        parser.Consume<DocumentStart>();
        var anchors = new Dictionary<string, (JsonNode? Node, int Size)>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        JsonNode? root = null;
        var rootSet = false;
        var nodes = 0;
        while (true)
        {
            var e = parser.Consume<ParsingEvent>();
            switch (e)
            {
                case Scalar scalar:
                    {
                        var value = ScalarValue(scalar.Value, scalar.Tag.IsEmpty ? null : scalar.Tag.Value, scalar.Style);
                        if (stack.Count > 0 && stack.Peek().IsMapping && stack.Peek().PendingKey is null)
                        {
                            stack.Peek().PendingKey = scalar.Value ?? "";
                            if (!scalar.Anchor.IsEmpty)
                            {
                                anchors[scalar.Anchor.Value] = (value, 1);
                            }
                            continue;
                        }
                        nodes++;
                        if (!scalar.Anchor.IsEmpty)
                        {
                            anchors[scalar.Anchor.Value] = (value, 1);
                        }
                        Add(value);
                        break;
                    }
                case SequenceStart seq:
                    Push(new JsonArray(), false, seq.Anchor.IsEmpty ? null : seq.Anchor.Value);
                    break;
                case MappingStart map:
                    Push(new JsonObject(), true, map.Anchor.IsEmpty ? null : map.Anchor.Value);
                    break;
                case SequenceEnd:
                case MappingEnd:
                    {
                        var frame = stack.Pop();
                        if (frame.Anchor is not null)
                        {
                            anchors[frame.Anchor] = (frame.Node, nodes - frame.NodesAtStart);
                        }
                        Add(frame.Node);
                        break;
                    }
                case AnchorAlias alias:
                    {
                        if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            throw new YamlException($"unknown anchor '{alias.Value.Value}' referenced");
                        }
                        if (stack.Count > 0 && stack.Peek().IsMapping && stack.Peek().PendingKey is null)
                        {
                            stack.Peek().PendingKey = target.Node?.ToString() ?? "";
                            continue;
                        }
                        nodes += target.Size;
                        if (nodes > MaxYamlNodes)
                        {
                            throw new YamlException("the document expands to too many nodes");
                        }
                        Add(target.Node?.DeepClone());
                        break;
                    }
                case DocumentEnd:
                    if (!parser.Accept<StreamEnd>(out _))
                    {
                        throw new YamlException("the body contains more than one YAML document");
                    }
                    return root;
                default:
                    throw new YamlException("unexpected YAML event " + e.GetType().Name);
            }
            if (nodes > MaxYamlNodes)
            {
                throw new YamlException("the document expands to too many nodes");
            }
        }

        void Push(JsonNode node, bool mapping, string? anchor)
        {
            if (stack.Count >= MaxDepth)
            {
                throw new YamlException("the document is nested too deeply");
            }
            nodes++;
            var path = stack.Count == 0 ? "" : stack.Peek().ChildPath();
            stack.Push(new Frame(node, mapping, anchor, nodes, path));
        }

        void Add(JsonNode? value)
        {
            if (stack.Count == 0)
            {
                if (rootSet)
                {
                    throw new YamlException("unexpected content after the document");
                }
                root = value;
                rootSet = true;
                return;
            }
            var top = stack.Peek();
            if (top.Node is JsonArray arr)
            {
                arr.Add(value);
                return;
            }
            var obj = (JsonObject)top.Node;
            if (top.PendingKey is null)
            {
                throw new YamlException("mapping keys must be scalars");
            }
            var key = top.PendingKey;
            top.PendingKey = null;
            if (obj.ContainsKey(key))
            {
                duplicates.Add(top.Path.Length == 0 ? key : top.Path + "." + key);
                obj.Remove(key);
            }
            obj[key] = value;
        }
    }

    private sealed class Frame(JsonNode node, bool isMapping, string? anchor, int nodesAtStart, string path)
    {
        public JsonNode Node { get; } = node;
        public bool IsMapping { get; } = isMapping;
        public string? Anchor { get; } = anchor;
        public int NodesAtStart { get; } = nodesAtStart;
        public string Path { get; } = path;
        public string? PendingKey { get; set; }

        public string ChildPath() => IsMapping && PendingKey is not null ? (Path.Length == 0 ? PendingKey : Path + "." + PendingKey) : Path;
    }

    private static JsonNode? ScalarValue(string? raw, string? tag, ScalarStyle style)
    {
        var value = raw ?? "";
        if (tag is "tag:yaml.org,2002:str" || style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted
            or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }
        if (value.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }
        if (LooksLikeFloat(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && !double.IsInfinity(d))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(value);
    }

    // YAML 1.2 core schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    private static bool LooksLikeFloat(string s)
    {
        var i = 0;
        if (i < s.Length && s[i] is '+' or '-')
        {
            i++;
        }
        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            digits++;
        }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                digits++;
            }
        }
        if (digits == 0)
        {
            return false;
        }
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }
            var exp = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                exp++;
            }
            if (exp == 0)
            {
                return false;
            }
        }
        return i == s.Length;
    }
}
