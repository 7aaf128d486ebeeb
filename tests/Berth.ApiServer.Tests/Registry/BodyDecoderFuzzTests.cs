using System.Text;
using Berth.Api.Errors;
using Berth.Api.Kinds;
using Berth.ApiServer.Registry;
using CsCheck;

namespace Berth.ApiServer.Tests.Registry;

public sealed class BodyDecoderFuzzTests
{
    private static readonly KindRegistry Kinds = new();
    private static readonly ResourceInfo Deployments = Kinds.Find("apps", "v1", "deployments")!;

    private const string ValidYaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: "nginx:1.25"
                ports: [{containerPort: 80}]
        """;

    private static void DecodeOnlyFailsWithStatus(byte[] body, string contentType)
    {
        try
        {
            BodyDecoder.Decode(body, contentType, Deployments, Kinds, []);
        }
        catch (StatusException e)
        {
            Assert.InRange(e.Code, 400, 415);
        }
    }

    [Fact]
    public void Decode_RandomBytes_FailsOnlyWithStatus()
    {
        Gen.Byte.Array[0, 512].Select(Gen.Int[0, 2].Select(i => i == 0 ? "application/json" : i == 1 ? "application/yaml" : "application/vnd.kubernetes.protobuf"))
            .Sample((bytes, type) => DecodeOnlyFailsWithStatus(bytes, type), iter: 2000);
    }

    [Fact]
    public void Decode_MutatedYamlAndJson_FailsOnlyWithStatus()
    {
        var yaml = Encoding.UTF8.GetBytes(ValidYaml);
        var json = Encoding.UTF8.GetBytes(BodyDecoder.YamlToJson(ValidYaml, [])!.ToJsonString());
        var mutations = Gen.Select(Gen.Int[0, 1_000_000], Gen.Byte, Gen.Int[1, 4]);
        Gen.Select(Gen.Bool, mutations.Array[1, 8]).Sample((useYaml, edits) =>
        {
            var body = (useYaml ? yaml : json).ToArray();
            foreach (var (pos, value, kind) in edits)
            {
                var i = pos % body.Length;
                switch (kind)
                {
                    case 1:
                        body[i] = value;
                        break;
                    case 2:
                        body = [.. body[..i], .. body[(i + 1)..]];
                        break;
                    case 3:
                        body = [.. body[..i], value, .. body[i..]];
                        break;
                    default:
                        body = body[..i];
                        break;
                }
                if (body.Length == 0)
                {
                    body = [(byte)'{'];
                }
            }
            DecodeOnlyFailsWithStatus(body, useYaml ? "application/yaml" : "application/json");
        }, iter: 2000);
    }

    [Fact]
    public void Decode_DeeplyNestedJson_Is400NotAStackOverflow()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var e = Assert.Throws<StatusException>(() => BodyDecoder.Decode(Encoding.UTF8.GetBytes("{\"a\":" + deep + "}"), "application/json", Deployments, Kinds, []));
        Assert.Equal(400, e.Code);
        var yaml = "a: " + new string('[', 100_000) + new string(']', 100_000);
        var y = Assert.Throws<StatusException>(() => BodyDecoder.Decode(Encoding.UTF8.GetBytes(yaml), "application/yaml", Deployments, Kinds, []));
        Assert.Equal(400, y.Code);
    }

    [Fact]
    public void YamlToJson_AnchorsAliasesAndMergeKeys_ExpandAsGoYamlDoes()
    {
        var json = BodyDecoder.YamlToJson("""
            base: &b
              a: 1
              s: "x"
            list: [*b, *b]
            merged:
              <<: *b
              a: 2
            quoted: "007"
            number: 007
            flag: true
            empty:
            """, [])!;
        Assert.Equal("""{"base":{"a":1,"s":"x"},"list":[{"a":1,"s":"x"},{"a":1,"s":"x"}],"merged":{"s":"x","a":2},"quoted":"007","number":7,"flag":true,"empty":null}""",
            json.ToJsonString());
    }

    [Fact]
    public void Decode_AliasBomb_Is400()
    {
        var yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 12; i++)
        {
            yaml.Append($"a{i}: &a{i} [").Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        }
        var e = Assert.Throws<StatusException>(() => BodyDecoder.Decode(Encoding.UTF8.GetBytes(yaml.ToString()), "application/yaml", Deployments, Kinds, []));
        Assert.Equal(400, e.Code);
    }
}
