using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.ApiServer.Apply;
using CsCheck;
using static Berth.ApiServer.Tests.Apply.ApplyTestData;

namespace Berth.ApiServer.Tests.Apply;

/// <summary>
/// Random sequences of applies and updates by a few managers on one Deployment: clients only ever see a
/// 409 Status, managed fields always decode and only name fields the object has, and re-applying what was
/// just applied changes nothing.
/// </summary>
public sealed class FieldManagerPropertyTests
{
    private static readonly ISchemaNode Schema = SchemaNodes.For(Deployment);

    private sealed record Step(bool IsApply, string Manager, bool Force, JsonObject Config)
    {
        public override string ToString() => $"{(IsApply ? "apply" : "update")} {Manager}{(Force ? " --force" : "")} {Config.ToJsonString()}";
    }

    private static Gen<JsonObject?> Subset(string[] keys, Gen<JsonNode> value) =>
        Gen.Select(Gen.Bool.Array[keys.Length], value.Array[keys.Length]).Select(t =>
        {
            var (pick, values) = t;
            if (!pick.Any(p => p))
            {
                return (JsonObject?)null;
            }
            var o = new JsonObject();
            for (var i = 0; i < keys.Length; i++)
            {
                if (pick[i])
                {
                    o[keys[i]] = values[i].DeepClone();
                }
            }
            return o;
        });

    private static readonly Gen<JsonNode> SmallString = Gen.OneOf("1", "2").Select(s => (JsonNode)JsonValue.Create(s));

    private static readonly Gen<JsonNode?> Ports = Gen.Bool.Array[3].Select(pick =>
    {
        JsonNode[] all = [JsonNode.Parse("""{"containerPort":80}""")!, JsonNode.Parse("""{"containerPort":53,"protocol":"UDP"}""")!, JsonNode.Parse("""{"containerPort":53,"name":"dns"}""")!];
        var ports = new JsonArray();
        for (var i = 0; i < 3; i++)
        {
            if (pick[i])
            {
                ports.Add(all[i]);
            }
        }
        return ports.Count == 0 ? null : (JsonNode?)ports;
    });

    private static readonly Gen<JsonNode?> Container = Gen.Select(
        Gen.OneOf("x", "y"),
        Gen.OneOf<string?>(null, "img:1", "img:2"),
        Gen.OneOf<string?>(null, "[\"a\"]", "[\"a\",\"b\"]"),
        Ports).Select((name, image, args, ports) =>
        {
            var c = new JsonObject { ["name"] = name };
            if (image is not null)
            {
                c["image"] = image;
            }
            if (args is not null)
            {
                c["args"] = JsonNode.Parse(args);
            }
            if (ports is not null)
            {
                c["ports"] = ports;
            }
            return (JsonNode?)c;
        });

    private static readonly Gen<JsonObject> Config = Gen.Select(
        Subset(["a", "b", "c"], SmallString),
        Gen.OneOf<int?>(null, 1, 2),
        Gen.Bool.Array[3],
        Container.Array[0, 2],
        Subset(["disk", "zone"], SmallString)).Select((labels, replicas, finalizerPick, containers, nodeSelector) =>
        {
            var meta = new JsonObject { ["name"] = "nginx", ["namespace"] = "default" };
            if (labels is not null)
            {
                meta["labels"] = labels;
            }
            var finalizers = new JsonArray();
            for (var i = 0; i < 3; i++)
            {
                if (finalizerPick[i])
                {
                    finalizers.Add("f" + i);
                }
            }
            if (finalizers.Count > 0)
            {
                meta["finalizers"] = finalizers;
            }
            var spec = new JsonObject();
            if (replicas is not null)
            {
                spec["replicas"] = replicas;
            }
            var distinct = containers.DistinctBy(c => (string)c!["name"]!).ToArray();
            var podSpec = new JsonObject();
            if (distinct.Length > 0)
            {
                podSpec["containers"] = new JsonArray(distinct);
            }
            if (nodeSelector is not null)
            {
                podSpec["nodeSelector"] = nodeSelector;
            }
            if (podSpec.Count > 0)
            {
                spec["template"] = new JsonObject { ["spec"] = podSpec };
            }
            var o = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = meta };
            if (spec.Count > 0)
            {
                o["spec"] = spec;
            }
            return o;
        });

    private static readonly Gen<Step> AnyStep = Gen.Select(
        Gen.Frequency((4, Gen.Const(true)), (1, Gen.Const(false))),
        Gen.OneOf("m1", "m2", "m3"),
        Gen.Frequency((3, Gen.Const(false)), (1, Gen.Const(true))),
        Config).Select((isApply, manager, force, config) => new Step(isApply, manager, force, config));

    [Fact]
    public void ApplyAndUpdate_RandomSequences_KeepManagedFieldsConsistent()
    {
        AnyStep.Array[1, 8].Sample(steps =>
        {
            JsonObject? live = null;
            var now = T0;
            foreach (var step in steps)
            {
                now = now.AddMinutes(1);
                live = Run(live, step, now);
                CheckManagedFields(live);
            }
        }, iter: 400, threads: 1);
    }

    private static JsonObject? Run(JsonObject? live, Step step, DateTime now)
    {
        if (!step.IsApply)
        {
            if (live is null)
            {
                return live;
            }
            // A full update: the object becomes the configuration, keeping identity and managed fields.
            var updated = step.Config.DeepClone().AsObject();
            foreach (var key in new[] { "uid", "resourceVersion", "creationTimestamp", "managedFields" })
            {
                updated["metadata"]![key] = live["metadata"]![key]?.DeepClone();
            }
            FieldManager.UpdateManagedFields(updated, live, step.Manager, "apps/v1", Deployment, now);
            return updated;
        }
        JsonObject result;
        try
        {
            result = FieldManager.Apply(live, step.Config, step.Manager, step.Force, "apps/v1", Deployment, now);
        }
        catch (StatusException e)
        {
            Assert.Equal(409, e.Code);
            Assert.False(step.Force);
            return live;
        }
        if (live is null)
        {
            result = Stored(result);
        }

        // Applying the same configuration again is a no-op, to the byte.
        var again = FieldManager.Apply(result, step.Config, step.Manager, step.Force, "apps/v1", Deployment, now.AddSeconds(30));
        Assert.Equal(result.ToJsonString(), again.ToJsonString());
        return result;
    }

    private static void CheckManagedFields(JsonObject? obj)
    {
        if (obj is null || obj["metadata"]!["managedFields"] is not JsonArray entries)
        {
            return;
        }
        var managed = ManagedFieldsCodec.Decode(entries);
        Assert.Equal(entries.Count, managed.Fields.Count);
        foreach (var (id, vs) in managed.Fields)
        {
            Assert.False(vs.Set.IsEmpty, id.Identifier);
            foreach (var path in vs.Set.Paths())
            {
                Assert.True(Exists(obj, Schema, path, 0), $"{id.Manager} owns {PathElement.PathString(path)}, missing from {obj.ToJsonString()}");
            }
        }
    }

    private static bool Exists(JsonNode? node, ISchemaNode schema, PathElement[] path, int i)
    {
        if (i == path.Length)
        {
            return true;
        }
        var pe = path[i];
        switch (pe.Kind)
        {
            case PathElementKind.Field:
                return node is JsonObject o && o.TryGetPropertyValue(pe.FieldName!, out var child)
                    && Exists(child, schema.Field(pe.FieldName!) ?? schema.Elements ?? SchemaNodes.Deduced, path, i + 1);
            case PathElementKind.Key or PathElementKind.Value:
                return node is JsonArray a && a.Any(item => Shapes.ItemPe(schema, item).Equals(pe) && Exists(item, schema.Elements!, path, i + 1));
            default:
                return false;
        }
    }
}
