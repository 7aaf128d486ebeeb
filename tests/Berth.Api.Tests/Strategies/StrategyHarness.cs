using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Strategies;
using Berth.Api.Validation;
using k8s;
using YamlDotNet.RepresentationModel;

namespace Berth.Api.Tests.Strategies;

/// <summary>Runs objects through the write pipeline the way the REST layer does: defaults, preparation, validation.</summary>
internal static class StrategyHarness
{
    public static readonly KindStrategies Strategies = KindStrategies.CreateDefault();

    public const string Uid = "6a0b4f6c-1c9b-4d3e-9f5a-2b7c8d9e0f11";

    public static ResourceInfo Info(JsonObject obj) =>
        BuiltinKinds.Resources.First(r => r.ApiVersion == obj["apiVersion"]!.GetValue<string>() && r.Kind == obj["kind"]!.GetValue<string>());

    public static IKindStrategy Strategy(JsonObject obj) => Strategies.For(Info(obj));

    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    public static JsonNode Node(string json) => JsonNode.Parse(json)!;

    /// <summary>YAML documents as JSON, keeping scalar types (int, bool, null, string) as YAML plain style gives them.</summary>
    public static List<JsonObject> Yaml(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Where(d => d.RootNode is YamlMappingNode).Select(d => (JsonObject)Convert(d.RootNode)!).ToList();
    }

    public static JsonObject Yaml1(string yaml) => Yaml(yaml).Single();

    private static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var o = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    o[((YamlScalarNode)k).Value!] = Convert(v);
                }
                return o;
            case YamlSequenceNode seq:
                var a = new JsonArray();
                foreach (var item in seq.Children)
                {
                    a.Add(Convert(item));
                }
                return a;
            case YamlScalarNode s:
                var text = s.Value ?? "";
                if (s.Style != YamlDotNet.Core.ScalarStyle.Plain)
                {
                    return text;
                }
                if (text is "null" or "~" or "")
                {
                    return null;
                }
                if (text is "true" or "false")
                {
                    return text == "true";
                }
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    return l;
                }
                return text;
            default:
                return null;
        }
    }

    /// <summary>The seed manifests, parsed with KubernetesClient as a client would send them.</summary>
    public static List<JsonObject> Seeds()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Strategies", "Seeds");
        var result = new List<JsonObject>();
        foreach (var file in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
        {
            foreach (var o in KubernetesYaml.LoadAllFromString(File.ReadAllText(file)))
            {
                result.Add(KubeJson.ToNode(o, o.GetType()));
            }
        }
        return result;
    }

    /// <summary>What the REST layer fills before the strategy runs on create.</summary>
    public static void FillSystemFields(JsonObject obj)
    {
        var meta = (JsonObject)(obj["metadata"] ??= new JsonObject());
        if (Info(obj).Namespaced && meta["namespace"] is null)
        {
            meta["namespace"] = "default";
        }
        meta["uid"] ??= Uid;
        meta["creationTimestamp"] ??= "2025-05-01T10:00:00Z";
        if (meta["annotations"] is null)
        {
            meta.Remove("annotations");
        }
    }

    /// <summary>Create: defaults, preparation, metadata and kind validation; returns the rendered errors.</summary>
    public static List<string> Create(JsonObject obj)
    {
        var s = Strategy(obj);
        FillSystemFields(obj);
        s.Default(obj);
        s.PrepareForCreate(obj);
        var errs = ObjectMetaValidator.ValidateCreate(obj, Info(obj));
        errs.AddRange(s.ValidateCreate(obj));
        return errs.Select(e => e.ToString()).ToList();
    }

    /// <summary>The object as stored after a successful create.</summary>
    public static JsonObject Created(string yaml)
    {
        var obj = Yaml1(yaml);
        var errs = Create(obj);
        Assert.Empty(errs);
        return obj;
    }

    /// <summary>Update of a stored object: the REST layer keeps identity fields, then the strategy runs.</summary>
    public static List<string> Update(JsonObject obj, JsonObject old)
    {
        var s = Strategy(obj);
        var meta = (JsonObject)(obj["metadata"] ??= new JsonObject());
        var oldMeta = old["metadata"]!.AsObject();
        meta["resourceVersion"] ??= "42";
        meta["uid"] ??= oldMeta["uid"]?.DeepClone();
        meta["creationTimestamp"] ??= oldMeta["creationTimestamp"]?.DeepClone();
        if (Info(obj).Namespaced)
        {
            meta["namespace"] ??= oldMeta["namespace"]?.DeepClone();
        }
        s.Default(obj);
        s.PrepareForUpdate(obj, old);
        var errs = ObjectMetaValidator.ValidateUpdate(obj, old, Info(obj));
        errs.AddRange(s.ValidateUpdate(obj, old));
        return errs.Select(e => e.ToString()).ToList();
    }

    /// <summary>Asserts JSON equality with a readable diff on failure.</summary>
    public static void AssertJson(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            var options = new JsonSerializerOptions { WriteIndented = true };
            Assert.Equal(expected?.ToJsonString(options), actual?.ToJsonString(options));
        }
    }
}
