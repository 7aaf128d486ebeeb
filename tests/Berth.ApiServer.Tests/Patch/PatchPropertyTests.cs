using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Schema;
using Berth.ApiServer.Patch;
using CsCheck;
using k8s.Models;
using static Berth.ApiServer.Tests.Patch.PatchAssert;

namespace Berth.ApiServer.Tests.Patch;

/// <summary>
/// Random patches against a realistic object: the only failure a client can ever see is a Status, and
/// merge patches obey RFC 7386.
/// </summary>
public sealed class PatchPropertyTests
{
    private const long Iterations = 3000;

    // Keys and strings biased towards the fields, directives and names the patch code treats specially.
    private static readonly string[] Keys =
    [
        "a", "b", "name", "image", "spec", "template", "metadata", "labels", "annotations", "finalizers", "containers",
        "initContainers", "env", "ports", "containerPort", "protocol", "strategy", "type", "rollingUpdate", "volumes",
        "emptyDir", "configMap", "args", "tolerations", "replicas", "selector", "matchLabels", "value", "status",
        "conditions", "$patch", "$retainKeys", "$setElementOrder/containers", "$setElementOrder/finalizers",
        "$setElementOrder/env", "$setElementOrder/ports", "$setElementOrder/nope", "$setElementOrder",
        "$deleteFromPrimitiveList/finalizers", "$deleteFromPrimitiveList/args", "$deleteFromPrimitiveList", "", "~1",
    ];

    private static readonly string[] Strings =
        ["delete", "replace", "merge", "app", "sidecar", "f1", "f2", "x", "", "TCP", "name", "Recreate", "image"];

    private static readonly Gen<string> Key = Gen.OneOf(Keys);

    private static Gen<JsonNode?> Scalar(bool withNull)
    {
        var number = Gen.Int[-2, 444].Select(i => (JsonNode?)JsonValue.Create(i));
        var text = Gen.OneOf(Strings).Select(s => (JsonNode?)JsonValue.Create(s));
        var boolean = Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b));
        var fraction = Gen.Int[0, 9].Select(i => (JsonNode?)JsonNode.Parse("8" + i + ".0"));
        return withNull
            ? Gen.Frequency((2, Gen.Const((JsonNode?)null)), (3, number), (4, text), (1, boolean), (1, fraction))
            : Gen.Frequency((3, number), (4, text), (1, boolean), (1, fraction));
    }

    private static Gen<JsonNode?> ObjectOf(Gen<string> key, Gen<JsonNode?> value) =>
        Gen.Select(key, value).Array[0, 5].Select(pairs =>
        {
            var o = new JsonObject();
            foreach (var (k, v) in pairs)
            {
                o[k] = v?.DeepClone();
            }
            return (JsonNode?)o;
        });

    private static Gen<JsonNode?> ArrayOf(Gen<JsonNode?> value) =>
        value.Array[0, 4].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()));

    private static Gen<JsonNode?> Value(int depth, Gen<string> key, bool withNull)
    {
        var scalar = Scalar(withNull);
        if (depth == 0)
        {
            return scalar;
        }
        var inner = Value(depth - 1, key, withNull);
        return Gen.Frequency((4, scalar), (3, ObjectOf(key, inner)), (2, ArrayOf(inner)));
    }

    private static readonly Gen<JsonNode?> AnyValue = Value(4, Key, withNull: true);

    // List elements that look like containers, env vars or ports: merge keys present or missing, directives.
    private static readonly Gen<JsonNode?> KeyedElement =
        Gen.Select(Gen.OneOf("app", "sidecar", "x", "A", "B"), Gen.OneOf("name", "containerPort", "image"), ObjectOf(Key, Value(2, Key, true)))
            .Select(t =>
            {
                var o = (JsonObject)t.Item3!;
                o[t.Item2] = t.Item2 == "containerPort" ? JsonValue.Create(80) : JsonValue.Create(t.Item1);
                return (JsonNode?)o;
            });

    private static readonly Gen<JsonObject> SmpPatch = Gen.Frequency(
        (2, ObjectOf(Key, AnyValue)),
        (3, ObjectOf(Key, Gen.Frequency((2, AnyValue), (3, ArrayOf(KeyedElement)))).Select(n => Wrap(n, "spec", "template", "spec"))),
        (2, ArrayOf(KeyedElement).Select(list => Wrap(new JsonObject { ["containers"] = list }, "spec", "template", "spec"))),
        (1, ObjectOf(Key, AnyValue).Select(n => Wrap(n, "metadata"))),
        (1, ObjectOf(Key, AnyValue).Select(n => Wrap(n, "spec", "strategy")))).Select(n => (JsonObject)n!);

    private static JsonNode Wrap(JsonNode? inner, params string[] path)
    {
        var node = inner;
        for (var i = path.Length - 1; i >= 0; i--)
        {
            node = new JsonObject { [path[i]] = node };
        }
        return node!;
    }

    [Fact]
    public void StrategicMergePatch_RandomPatches_FailOnlyWithStatus()
    {
        var schema = TypeSchema.For<V1Deployment>();
        var original = Obj(StrategicMergePatchTests.Deployment);
        SmpPatch.Sample(patch =>
        {
            try
            {
                StrategicMergePatch.Apply(original, patch, schema);
                StrategicMergePatch.Apply(original, Utf8(patch.ToJsonString()), schema);
            }
            catch (StatusException)
            {
            }
        }, iter: Iterations, print: p => p.ToJsonString());
    }

    private static readonly Gen<string> Pointer = Gen.OneOf(
            "spec", "template", "metadata", "labels", "containers", "0", "1", "-1", "-", "9", "x", "~0", "~1", "~2", "", "01", "+1")
        .Array[0, 5].Select(parts => parts.Length == 0 ? "" : "/" + string.Join('/', parts));

    private static readonly Gen<JsonNode?> Operation =
        Gen.Select(Gen.OneOf("add", "remove", "replace", "move", "copy", "test", "nope"), Pointer, Pointer, AnyValue, Gen.Int[0, 3])
            .Select(t =>
            {
                var o = new JsonObject { ["op"] = t.Item1, ["path"] = t.Item2 };
                if (t.Item5 != 0)
                {
                    o["from"] = t.Item3;
                }
                if (t.Item5 != 1)
                {
                    o["value"] = t.Item4?.DeepClone();
                }
                return (JsonNode?)o;
            });

    [Fact]
    public void JsonPatch_RandomOperations_FailOnlyWithStatus()
    {
        var original = Obj(StrategicMergePatchTests.Deployment);
        var patches = Gen.Frequency((6, ArrayOf(Operation)), (1, AnyValue)).Select(p => p?.ToJsonString() ?? "null");
        patches.Sample(patch =>
        {
            try
            {
                JsonPatch.Apply(original, Utf8(patch));
            }
            catch (StatusException)
            {
            }
        }, iter: Iterations);
    }

    [Fact]
    public void AllPatchTypes_RandomBytes_FailOnlyWithStatus()
    {
        var original = Obj(StrategicMergePatchTests.Deployment);
        var schema = TypeSchema.For<V1Deployment>();
        // Valid JSON cut at a random point, or with a random byte changed, or plain random bytes.
        var bytes = Gen.Frequency(
            (2, Gen.Select(AnyValue, Gen.Int[0, 1000]).Select(t =>
            {
                var b = Encoding.UTF8.GetBytes(t.Item1?.ToJsonString() ?? "null");
                return b[..Math.Min(b.Length, t.Item2 % (b.Length + 1))];
            })),
            (2, Gen.Select(AnyValue, Gen.Int[0, 1000], Gen.Byte).Select(t =>
            {
                var b = Encoding.UTF8.GetBytes(t.Item1?.ToJsonString() ?? "null");
                b[t.Item2 % b.Length] = t.Item3;
                return b;
            })),
            (1, Gen.Byte.Array[0, 40]));
        bytes.Sample(b =>
        {
            foreach (var apply in new Action[]
            {
                () => JsonPatch.Apply(original, b),
                () => MergePatch.Apply(original, b),
                () => StrategicMergePatch.Apply(original, b, schema),
            })
            {
                try
                {
                    apply();
                }
                catch (StatusException)
                {
                }
            }
        }, iter: Iterations);
    }

    private static readonly Gen<JsonObject> NullFreeObject =
        ObjectOf(Gen.OneOf("a", "b", "c", "d", "name", "spec"), Value(3, Gen.OneOf("a", "b", "c", "d", "name", "spec"), withNull: false))
            .Select(n => (JsonObject)n!);

    [Fact]
    public void MergePatch_GeneratedDiff_ReproducesTarget()
    {
        Gen.Select(NullFreeObject, NullFreeObject).Sample((original, target) =>
        {
            var patch = MergePatch.CreateMergePatch(original, target);
            var result = MergePatch.Apply(original, Utf8(patch.ToJsonString()));
            return JsonNode.DeepEquals(target, result);
        }, iter: Iterations, print: t => t.Item1.ToJsonString() + " → " + t.Item2.ToJsonString());
    }

    [Fact]
    public void MergePatch_AppliedTwice_EqualsAppliedOnce()
    {
        var patches = ObjectOf(Gen.OneOf("a", "b", "c", "name"), Value(3, Gen.OneOf("a", "b", "c", "name"), withNull: true)).Select(n => (JsonObject)n!);
        Gen.Select(NullFreeObject, patches).Sample((original, patch) =>
        {
            var once = MergePatch.Apply(original, Utf8(patch.ToJsonString()));
            var twice = MergePatch.Apply(once, Utf8(patch.ToJsonString()));
            return JsonNode.DeepEquals(once, twice) && JsonNode.DeepEquals(original, MergePatch.Apply(original, Utf8("{}")));
        }, iter: Iterations);
    }

    [Fact]
    public void StrategicMergePatch_WithoutSchemaOrDirectives_EqualsMergePatch()
    {
        // Below fields the schema does not know, a strategic merge patch is a JSON merge patch.
        var schemaless = TypeSchema.For<object>();
        Gen.Select(NullFreeObject, NullFreeObject).Sample((original, target) =>
        {
            var patch = MergePatch.CreateMergePatch(original, target);
            var merged = MergePatch.Apply(original, Utf8(patch.ToJsonString()));
            var strategic = StrategicMergePatch.Apply(original, patch, schemaless);
            return JsonNode.DeepEquals(merged, strategic);
        }, iter: Iterations);
    }
}
