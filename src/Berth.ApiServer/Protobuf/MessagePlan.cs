using System.Collections.Frozen;
using System.Globalization;
using Berth.Api.Schema;
using k8s.Models;

namespace Berth.ApiServer.Protobuf;

/// <summary>How one field's protobuf value becomes JSON.</summary>
internal enum FieldCodec : byte
{
    String,
    Int32,
    Int64,
    Bool,
    Double,
    /// <summary>bytes → base64 string.</summary>
    Bytes,
    /// <summary>A nested message with its own plan.</summary>
    Message,
    /// <summary>A Go embedded struct: the nested message's fields land in the enclosing JSON object.</summary>
    Inline,
    /// <summary>resource.Quantity {string=1} → "500m".</summary>
    Quantity,
    /// <summary>intstr.IntOrString {type=1, intVal=2, strVal=3} → 8080 or "http".</summary>
    IntOrString,
    /// <summary>metav1.Time {seconds=1, nanos=2} → RFC 3339 with seconds.</summary>
    Time,
    /// <summary>metav1.MicroTime → RFC 3339 with microseconds.</summary>
    MicroTime,
    /// <summary>RawExtension / FieldsV1 / apiextensions JSON: {raw=1} holding JSON text.</summary>
    RawJson,
    /// <summary>An empty message that JSON writes as <c>{}</c>.</summary>
    EmptyObject,
    SchemaOrArray,
    SchemaOrBool,
    SchemaOrStrings,
}

internal enum FieldShape : byte
{
    Single,
    Repeated,
    Map,
}

/// <summary>One protobuf field of one message: where it goes in JSON and how it is decoded.</summary>
internal sealed class FieldPlan(string jsonName, FieldCodec codec, FieldShape shape, bool keepZero)
{
    public string JsonName { get; } = jsonName;
    public FieldCodec Codec { get; } = codec;
    public FieldShape Shape { get; } = shape;

    /// <summary>Whether a zero scalar on the wire is written to JSON (see <see cref="ProtoFields"/>, suffix <c>*</c>).</summary>
    public bool KeepZero { get; } = keepZero;

    /// <summary>For <see cref="FieldCodec.Message"/>, <see cref="FieldCodec.Inline"/> and the JSONSchemaPropsOr* codecs.</summary>
    public MessagePlan? Message { get; set; }
}

/// <summary>
/// The compiled form of one <see cref="ProtoFields"/> entry: field number → <see cref="FieldPlan"/>, with child plans
/// linked. Built once for the whole table on first use; immutable and thread-safe afterwards.
/// </summary>
internal sealed class MessagePlan
{
    private FieldPlan?[] _byNumber = [];

    private MessagePlan(Type modelType) => ModelType = modelType;

    public Type ModelType { get; }

    public FieldPlan? Field(int number) => (uint)number < (uint)_byNumber.Length ? _byNumber[number] : null;

    /// <summary>Plans for every model type in <see cref="ProtoFields.Messages"/>.</summary>
    public static FrozenDictionary<Type, MessagePlan> All => LazyAll.Value;

    private static readonly Lazy<FrozenDictionary<Type, MessagePlan>> LazyAll = new(Build);

    public static MessagePlan? For(Type modelType) => All.GetValueOrDefault(modelType);

    private static FrozenDictionary<Type, MessagePlan> Build()
    {
        var plans = ProtoFields.Messages.Keys.ToDictionary(t => t, t => new MessagePlan(t));
        var inline = new Dictionary<(Type, string), MessagePlan>();
        foreach (var (type, plan) in plans)
        {
            plan._byNumber = Compile(type, ProtoFields.Messages[type], plans, inline);
        }
        return plans.ToFrozenDictionary();
    }

    private static FieldPlan?[] Compile(Type type, string table, Dictionary<Type, MessagePlan> plans,
        Dictionary<(Type, string), MessagePlan> inline)
    {
        var schema = TypeSchema.For(type);
        var fields = new List<(int Number, FieldPlan Plan)>();
        foreach (var entry in table.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.LastIndexOf('=');
            var name = entry[..eq];
            var rest = entry[(eq + 1)..];
            var modifier = "";
            var colon = rest.IndexOf(':');
            if (colon >= 0)
            {
                modifier = rest[(colon + 1)..];
                rest = rest[..colon];
            }
            var keepZero = rest.EndsWith('*');
            var number = int.Parse(keepZero ? rest[..^1] : rest, NumberStyles.None, CultureInfo.InvariantCulture);
            if (name.StartsWith('+'))
            {
                var inlineName = name[1..];
                if (!inline.TryGetValue((type, inlineName), out var inlinePlan))
                {
                    inlinePlan = new MessagePlan(type);
                    inline[(type, inlineName)] = inlinePlan;
                    inlinePlan._byNumber = Compile(type, ProtoFields.Inline[inlineName], plans, inline);
                }
                fields.Add((number, new FieldPlan(inlineName, FieldCodec.Inline, FieldShape.Single, false) { Message = inlinePlan }));
                continue;
            }
            var property = schema.Properties.GetValueOrDefault(name)
                ?? throw new InvalidOperationException($"{type.Name} has no JSON property '{name}' (protobuf table)");
            var value = property.Type;
            var shape = FieldShape.Single;
            if (value.Kind is SchemaKind.Array or SchemaKind.Map)
            {
                shape = value.Kind == SchemaKind.Array ? FieldShape.Repeated : FieldShape.Map;
                value = value.Items!;
            }
            var codec = Codec(type, name, value, modifier);
            var plan = new FieldPlan(name, codec, shape, keepZero);
            if (codec == FieldCodec.Message)
            {
                var child = Nullable.GetUnderlyingType(value.ClrType) ?? value.ClrType;
                plan.Message = plans.GetValueOrDefault(child)
                    ?? throw new InvalidOperationException($"{type.Name}.{name}: no protobuf table for {child.Name}");
            }
            else if (codec is FieldCodec.SchemaOrArray or FieldCodec.SchemaOrBool or FieldCodec.SchemaOrStrings)
            {
                plan.Message = plans[typeof(V1JSONSchemaProps)];
            }
            fields.Add((number, plan));
        }
        var byNumber = new FieldPlan?[fields.Count == 0 ? 0 : fields.Max(f => f.Number) + 1];
        foreach (var (number, plan) in fields)
        {
            if (byNumber[number] is not null)
            {
                throw new InvalidOperationException($"{type.Name}: field number {number} listed twice");
            }
            byNumber[number] = plan;
        }
        return byNumber;
    }

    private static FieldCodec Codec(Type type, string name, TypeSchema value, string modifier) => (value.Kind, modifier) switch
    {
        (SchemaKind.Object, "") => FieldCodec.Message,
        (SchemaKind.String, "") => FieldCodec.String,
        (SchemaKind.Integer, "") => (Nullable.GetUnderlyingType(value.ClrType) ?? value.ClrType) == typeof(long)
            ? FieldCodec.Int64 : FieldCodec.Int32,
        (SchemaKind.Boolean, "") => FieldCodec.Bool,
        (SchemaKind.Number, "") => FieldCodec.Double,
        (SchemaKind.Bytes, "") => FieldCodec.Bytes,
        (SchemaKind.Quantity, "") => FieldCodec.Quantity,
        (SchemaKind.IntOrString, "") => FieldCodec.IntOrString,
        (SchemaKind.DateTime, "") => FieldCodec.Time,
        (SchemaKind.DateTime, "micro") => FieldCodec.MicroTime,
        (SchemaKind.Any, "") => FieldCodec.RawJson,
        (SchemaKind.Any, "empty") => FieldCodec.EmptyObject,
        (SchemaKind.Any, "orArray") => FieldCodec.SchemaOrArray,
        (SchemaKind.Any, "orBool") => FieldCodec.SchemaOrBool,
        (SchemaKind.Any, "orStrings") => FieldCodec.SchemaOrStrings,
        _ => throw new InvalidOperationException($"{type.Name}.{name}: no protobuf codec for {value.Kind} '{modifier}'"),
    };

    public override string ToString() => ModelType.Name;
}
