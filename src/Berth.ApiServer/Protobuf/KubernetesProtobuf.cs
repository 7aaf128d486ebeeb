using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Kinds;
using k8s.Models;

namespace Berth.ApiServer.Protobuf;

/// <summary>
/// Reads request bodies in Kubernetes' protobuf encoding (<c>application/vnd.kubernetes.protobuf</c>), which kubectl
/// 1.32+ and client-go clientsets send for typed writes, into the JSON form that the rest of the API server handles.
/// </summary>
/// <remarks>
/// <para>Wire layout: the four bytes <c>k8s\0</c>, then a <c>runtime.Unknown</c> message whose <c>typeMeta</c> names the
/// kind and whose <c>raw</c> holds the object as its k8s.io/api generated.proto message.</para>
/// <code>
///  "k8s\0" ─ Unknown{typeMeta{apiVersion,kind}=1, raw=2, contentEncoding=3, contentType=4}
///                                    │               │
///              KindRegistry.FindKind ┘               └ MessagePlan (ProtoFields + TypeSchema) ─► JsonObject
/// </code>
/// <para>The result equals the JSON kubectl would have sent: camelCase names, quantities as strings, int-or-string as
/// a number or string, times as RFC 3339, bytes as base64, unset and zero <c>omitempty</c> fields left out (see
/// <see cref="ProtoFields"/>). Unknown field numbers are skipped, as protobuf requires. Thread-safe.</para>
/// </remarks>
public static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    // Deep enough for any CRD schema kubectl can send (each JSONSchemaProps level is two messages: map entry + value),
    // shallow enough that recursion never threatens the stack.
    private const int MaxDepth = 200;

    private static readonly JsonDocumentOptions RawJsonOptions = new() { MaxDepth = 256 };

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>
    /// Decodes a protobuf request body into a Kubernetes JSON object with <c>apiVersion</c> and <c>kind</c> set from the
    /// envelope. Supports every kind with a model type in <paramref name="registry"/>, plus autoscaling/v1 Scale,
    /// policy/v1 Eviction and meta/v1 DeleteOptions.
    /// </summary>
    /// <exception cref="StatusException">400 BadRequest for any malformed body or a kind that has no protobuf form.</exception>
    public static JsonObject Decode(ReadOnlySpan<byte> body, KindRegistry registry) => DecodeEnvelope(body, registry, 0);

    private static JsonObject DecodeEnvelope(ReadOnlySpan<byte> body, KindRegistry registry, int depth)
    {
        if (!body.StartsWith(Magic))
        {
            throw StatusException.BadRequest(
                "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        }
        var apiVersion = "";
        var kind = "";
        var encoding = "";
        ReadOnlySpan<byte> raw = default;
        var r = new ProtoReader(body[Magic.Length..]);
        while (!r.End)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case 1:
                    Expect(wire, WireType.Len, "Unknown", "typeMeta");
                    var typeMeta = new ProtoReader(r.ReadBytes());
                    while (!typeMeta.End)
                    {
                        var (f, w) = typeMeta.ReadTag();
                        if (f is 1 or 2)
                        {
                            Expect(w, WireType.Len, "TypeMeta", f == 1 ? "apiVersion" : "kind");
                            var s = Utf8(typeMeta.ReadBytes());
                            if (f == 1)
                            {
                                apiVersion = s;
                            }
                            else
                            {
                                kind = s;
                            }
                        }
                        else
                        {
                            typeMeta.Skip(w);
                        }
                    }
                    break;
                case 2:
                    Expect(wire, WireType.Len, "Unknown", "raw");
                    raw = r.ReadBytes();
                    break;
                case 3:
                    Expect(wire, WireType.Len, "Unknown", "contentEncoding");
                    encoding = Utf8(r.ReadBytes());
                    break;
                default:
                    // contentType (4) is informational: Kubernetes leaves it empty and so do we.
                    r.Skip(wire);
                    break;
            }
        }
        if (kind.Length == 0)
        {
            throw StatusException.BadRequest("Object 'Kind' is missing in protobuf envelope");
        }
        if (encoding.Length != 0)
        {
            throw StatusException.BadRequest($"unsupported protobuf content encoding \"{encoding}\"");
        }
        var plan = PlanFor(apiVersion, kind, registry);
        var obj = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = kind,
        };
        new Decoder(registry).Message(raw, plan, obj, depth + 1);
        return obj;
    }

    private static MessagePlan PlanFor(string apiVersion, string kind, KindRegistry registry)
    {
        var (group, version) = GroupVersionKind.SplitApiVersion(apiVersion);
        // Option and subresource bodies that are not resources of their own: DeleteOptions is registered in every
        // group-version (metav1.AddToGroupVersion), Scale and Eviction in their groups.
        var modelType = (group, version, kind) switch
        {
            (_, _, "DeleteOptions") => typeof(V1DeleteOptions),
            ("autoscaling", "v1", "Scale") => typeof(V1Scale),
            ("policy", "v1" or "v1beta1", "Eviction") => typeof(V1Eviction),
            _ => registry.FindKind(group, version, kind) is { } info
                ? info.ModelType ?? throw StatusException.BadRequest(
                    $"{kind}.{group} is a custom resource: custom resources have no protobuf encoding, send application/json")
                : throw StatusException.BadRequest($"no kind \"{kind}\" is registered for version \"{apiVersion}\""),
        };
        return MessagePlan.For(modelType)
            ?? throw StatusException.BadRequest($"{kind} in version \"{apiVersion}\" has no protobuf encoding; send it as application/json");
    }

    private static void Expect(WireType actual, WireType expected, string message, string field)
    {
        if (actual != expected)
        {
            throw ProtoReader.Malformed($"field {message}.{field} has wire type {(int)actual}, expected {(int)expected}");
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>One decode: carries the registry for RawExtensions that embed a protobuf object.</summary>
    private readonly struct Decoder(KindRegistry registry)
    {
        public void Message(ReadOnlySpan<byte> data, MessagePlan plan, JsonObject target, int depth)
        {
            if (depth > MaxDepth)
            {
                throw ProtoReader.Malformed($"messages nested deeper than {MaxDepth}");
            }
            var r = new ProtoReader(data);
            while (!r.End)
            {
                var (number, wire) = r.ReadTag();
                var f = plan.Field(number);
                if (f is null)
                {
                    r.Skip(wire);
                    continue;
                }
                switch (f.Shape)
                {
                    case FieldShape.Single:
                        Single(ref r, wire, f, plan, target, depth);
                        break;
                    case FieldShape.Repeated:
                        Repeated(ref r, wire, f, plan, target, depth);
                        break;
                    default:
                        MapEntry(ref r, wire, f, plan, target, depth);
                        break;
                }
            }
        }

        private void Single(ref ProtoReader r, WireType wire, FieldPlan f, MessagePlan plan, JsonObject target, int depth)
        {
            switch (f.Codec)
            {
                case FieldCodec.Inline:
                    Expect(wire, WireType.Len, plan.ModelType.Name, f.JsonName);
                    Message(r.ReadBytes(), f.Message!, target, depth + 1);
                    return;
                case FieldCodec.Message:
                    // A repeated occurrence of a singular message merges into the first, as protobuf specifies.
                    Expect(wire, WireType.Len, plan.ModelType.Name, f.JsonName);
                    var existing = target[f.JsonName] as JsonObject;
                    var obj = existing ?? new JsonObject();
                    Message(r.ReadBytes(), f.Message!, obj, depth + 1);
                    if (existing is null)
                    {
                        target[f.JsonName] = obj;
                    }
                    return;
            }
            var value = Value(ref r, wire, f, plan, depth, out var zero);
            if (value is null || (zero && !f.KeepZero))
            {
                target.Remove(f.JsonName);
            }
            else
            {
                target[f.JsonName] = value;
            }
        }

        private void Repeated(ref ProtoReader r, WireType wire, FieldPlan f, MessagePlan plan, JsonObject target, int depth)
        {
            if (target[f.JsonName] is not JsonArray array)
            {
                array = [];
                target[f.JsonName] = array;
            }
            if (wire == WireType.Len && f.Codec is FieldCodec.Int32 or FieldCodec.Int64 or FieldCodec.Bool or FieldCodec.Double)
            {
                // Packed encoding: proto2 writers may use it for repeated scalars, and readers must accept both forms.
                var packed = new ProtoReader(r.ReadBytes());
                var elementWire = f.Codec == FieldCodec.Double ? WireType.Fixed64 : WireType.Varint;
                while (!packed.End)
                {
                    array.Add(Value(ref packed, elementWire, f, plan, depth, out _));
                }
            }
            else
            {
                array.Add(Value(ref r, wire, f, plan, depth, out _));
            }
            if (array.Count == 0)
            {
                target.Remove(f.JsonName);
            }
        }

        // A map field is a repeated entry message {key=1, value=2}; a missing key or value means the zero value.
        private void MapEntry(ref ProtoReader r, WireType wire, FieldPlan f, MessagePlan plan, JsonObject target, int depth)
        {
            Expect(wire, WireType.Len, plan.ModelType.Name, f.JsonName);
            var entry = new ProtoReader(r.ReadBytes());
            var key = "";
            JsonNode? value = null;
            var hasValue = false;
            while (!entry.End)
            {
                var (number, w) = entry.ReadTag();
                if (number == 1)
                {
                    Expect(w, WireType.Len, plan.ModelType.Name, f.JsonName + " key");
                    key = Utf8(entry.ReadBytes());
                }
                else if (number == 2)
                {
                    value = Value(ref entry, w, f, plan, depth + 1, out _);
                    hasValue = true;
                }
                else
                {
                    entry.Skip(w);
                }
            }
            if (!hasValue)
            {
                value = ZeroValue(f.Codec);
            }
            if (target[f.JsonName] is not JsonObject map)
            {
                map = [];
                target[f.JsonName] = map;
            }
            map[key] = value;
        }

        /// <summary>Reads one value of the field's codec; null means JSON null (absent for a singular field).</summary>
        private JsonNode? Value(ref ProtoReader r, WireType wire, FieldPlan f, MessagePlan plan, int depth, out bool zero)
        {
            zero = false;
            var expected = f.Codec switch
            {
                FieldCodec.Int32 or FieldCodec.Int64 or FieldCodec.Bool => WireType.Varint,
                FieldCodec.Double => WireType.Fixed64,
                _ => WireType.Len,
            };
            Expect(wire, expected, plan.ModelType.Name, f.JsonName);
            switch (f.Codec)
            {
                case FieldCodec.Int32:
                    {
                        // Go truncates an out-of-range varint to the field's width; so do we.
                        var v = unchecked((int)r.ReadVarint());
                        zero = v == 0;
                        return JsonValue.Create(v);
                    }
                case FieldCodec.Int64:
                    {
                        var v = unchecked((long)r.ReadVarint());
                        zero = v == 0;
                        return JsonValue.Create(v);
                    }
                case FieldCodec.Bool:
                    {
                        var v = r.ReadVarint() != 0;
                        zero = !v;
                        return JsonValue.Create(v);
                    }
                case FieldCodec.Double:
                    {
                        var v = BitConverter.UInt64BitsToDouble(r.ReadFixed64());
                        if (!double.IsFinite(v))
                        {
                            throw ProtoReader.Malformed($"field {plan.ModelType.Name}.{f.JsonName} is not a finite number");
                        }
                        zero = v == 0;
                        return JsonValue.Create(v);
                    }
                case FieldCodec.String:
                    {
                        var bytes = r.ReadBytes();
                        zero = bytes.IsEmpty;
                        return JsonValue.Create(Utf8(bytes));
                    }
                case FieldCodec.Bytes:
                    {
                        var bytes = r.ReadBytes();
                        zero = bytes.IsEmpty;
                        return JsonValue.Create(Convert.ToBase64String(bytes));
                    }
                case FieldCodec.Message:
                    {
                        var obj = new JsonObject();
                        Message(r.ReadBytes(), f.Message!, obj, depth + 1);
                        return obj;
                    }
                case FieldCodec.Quantity:
                    return Quantity(r.ReadBytes());
                case FieldCodec.IntOrString:
                    return IntOrString(r.ReadBytes());
                case FieldCodec.Time:
                    return Time(r.ReadBytes(), micro: false);
                case FieldCodec.MicroTime:
                    return Time(r.ReadBytes(), micro: true);
                case FieldCodec.RawJson:
                    return RawJson(r.ReadBytes(), depth);
                case FieldCodec.EmptyObject:
                    r.ReadBytes();
                    return new JsonObject();
                case FieldCodec.SchemaOrArray:
                case FieldCodec.SchemaOrBool:
                case FieldCodec.SchemaOrStrings:
                    return SchemaOr(r.ReadBytes(), f, depth + 1);
                default:
                    throw new InvalidOperationException("unreachable codec " + f.Codec);
            }
        }

        private static JsonNode? ZeroValue(FieldCodec codec) => codec switch
        {
            FieldCodec.String or FieldCodec.Bytes => JsonValue.Create(""),
            FieldCodec.Int32 or FieldCodec.Int64 => JsonValue.Create(0),
            FieldCodec.Bool => JsonValue.Create(false),
            FieldCodec.Double => JsonValue.Create(0.0),
            FieldCodec.Quantity => JsonValue.Create("0"),
            FieldCodec.IntOrString => JsonValue.Create(0),
            FieldCodec.Message or FieldCodec.EmptyObject => new JsonObject(),
            _ => null,
        };

        private static JsonNode Quantity(ReadOnlySpan<byte> data)
        {
            var r = new ProtoReader(data);
            var s = "0";
            while (!r.End)
            {
                var (number, wire) = r.ReadTag();
                if (number == 1)
                {
                    Expect(wire, WireType.Len, "Quantity", "string");
                    s = Utf8(r.ReadBytes());
                }
                else
                {
                    r.Skip(wire);
                }
            }
            return JsonValue.Create(s);
        }

        private static JsonNode IntOrString(ReadOnlySpan<byte> data)
        {
            var r = new ProtoReader(data);
            long type = 0;
            var intVal = 0;
            var strVal = "";
            while (!r.End)
            {
                var (number, wire) = r.ReadTag();
                switch (number)
                {
                    case 1:
                        Expect(wire, WireType.Varint, "IntOrString", "type");
                        type = unchecked((long)r.ReadVarint());
                        break;
                    case 2:
                        Expect(wire, WireType.Varint, "IntOrString", "intVal");
                        intVal = unchecked((int)r.ReadVarint());
                        break;
                    case 3:
                        Expect(wire, WireType.Len, "IntOrString", "strVal");
                        strVal = Utf8(r.ReadBytes());
                        break;
                    default:
                        r.Skip(wire);
                        break;
                }
            }
            return type switch
            {
                0 => JsonValue.Create(intVal),
                1 => JsonValue.Create(strVal),
                _ => throw ProtoReader.Malformed($"IntOrString has impossible type {type}"),
            };
        }

        // metav1.Time keeps whole seconds (its protobuf reader drops nanos, matching its JSON form); MicroTime keeps
        // microseconds. An empty message is the zero time, which JSON writes as null.
        private static JsonNode? Time(ReadOnlySpan<byte> data, bool micro)
        {
            if (data.IsEmpty)
            {
                return null;
            }
            var r = new ProtoReader(data);
            long seconds = 0;
            long nanos = 0;
            while (!r.End)
            {
                var (number, wire) = r.ReadTag();
                if (number == 1)
                {
                    Expect(wire, WireType.Varint, "Time", "seconds");
                    seconds = unchecked((long)r.ReadVarint());
                }
                else if (number == 2)
                {
                    Expect(wire, WireType.Varint, "Time", "nanos");
                    nanos = unchecked((int)r.ReadVarint());
                }
                else
                {
                    r.Skip(wire);
                }
            }
            // Years 0001–9999: what RFC 3339 (and Go's JSON encoder for times) can represent.
            if (seconds is < -62135596800 or > 253402300799 || nanos is < 0 or > 999_999_999)
            {
                throw ProtoReader.Malformed($"time {seconds}s {nanos}ns is out of range");
            }
            var t = DateTime.UnixEpoch.AddSeconds(seconds);
            if (!micro)
            {
                return JsonValue.Create(t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }
            t = t.AddTicks(nanos / 1000 * 10);
            return JsonValue.Create(t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        }

        // RawExtension, FieldsV1 and apiextensions JSON all hold their JSON text in field 1. A RawExtension may also
        // embed a protobuf-encoded object (its own "k8s\0" envelope).
        private JsonNode? RawJson(ReadOnlySpan<byte> data, int depth)
        {
            var r = new ProtoReader(data);
            ReadOnlySpan<byte> raw = default;
            while (!r.End)
            {
                var (number, wire) = r.ReadTag();
                if (number == 1)
                {
                    Expect(wire, WireType.Len, "RawExtension", "raw");
                    raw = r.ReadBytes();
                }
                else
                {
                    r.Skip(wire);
                }
            }
            if (raw.IsEmpty)
            {
                return null;
            }
            if (raw.StartsWith(Magic))
            {
                if (depth > MaxDepth)
                {
                    throw ProtoReader.Malformed($"messages nested deeper than {MaxDepth}");
                }
                return DecodeEnvelope(raw, registry, depth + 1);
            }
            try
            {
                return JsonNode.Parse(raw, documentOptions: RawJsonOptions);
            }
            catch (JsonException e)
            {
                throw ProtoReader.Malformed("embedded JSON is invalid: " + e.Message);
            }
        }

        // The apiextensions JSONSchemaPropsOr{Array,Bool,StringArray} wrappers, written in JSON as their Go
        // MarshalJSON methods write them.
        private JsonNode? SchemaOr(ReadOnlySpan<byte> data, FieldPlan f, int depth)
        {
            var schemaField = f.Codec == FieldCodec.SchemaOrBool ? 2 : 1;
            var r = new ProtoReader(data);
            JsonObject? schema = null;
            JsonArray? list = null;
            var allows = false;
            while (!r.End)
            {
                var (number, wire) = r.ReadTag();
                if (number == schemaField)
                {
                    Expect(wire, WireType.Len, "JSONSchemaPropsOr", "schema");
                    schema ??= new JsonObject();
                    Message(r.ReadBytes(), f.Message!, schema, depth + 1);
                }
                else if (number == 1 && f.Codec == FieldCodec.SchemaOrBool)
                {
                    Expect(wire, WireType.Varint, "JSONSchemaPropsOrBool", "allows");
                    allows = r.ReadVarint() != 0;
                }
                else if (number == 2 && f.Codec == FieldCodec.SchemaOrArray)
                {
                    Expect(wire, WireType.Len, "JSONSchemaPropsOrArray", "jSONSchemas");
                    var item = new JsonObject();
                    Message(r.ReadBytes(), f.Message!, item, depth + 1);
                    (list ??= []).Add(item);
                }
                else if (number == 2 && f.Codec == FieldCodec.SchemaOrStrings)
                {
                    Expect(wire, WireType.Len, "JSONSchemaPropsOrStringArray", "property");
                    (list ??= []).Add(JsonValue.Create(Utf8(r.ReadBytes())));
                }
                else
                {
                    r.Skip(wire);
                }
            }
            return f.Codec switch
            {
                FieldCodec.SchemaOrBool => schema ?? (JsonNode)JsonValue.Create(allows),
                _ => list ?? (JsonNode?)schema,
            };
        }
    }
}
