using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.ApiServer.Tables;
using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

[Collection(nameof(TableConvertorTests))]
public sealed class TableConvertorTests
{
    private const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    private const string AgeDescription =
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    private static readonly JsonObject ConfigMap = Parse("""
        {"apiVersion":"v1","kind":"ConfigMap",
         "metadata":{"name":"kube-root-ca.crt","namespace":"default","uid":"3f0c","resourceVersion":"312","creationTimestamp":"2025-05-31T12:00:00Z",
                     "annotations":{"kubernetes.io/description":"x"}},
         "data":{"ca.crt":"-----BEGIN CERTIFICATE-----"}}
        """);

    /// <summary>What kube-apiserver 1.33 answers to <c>kubectl get configmaps</c> (includeObject=Metadata), modulo whitespace.</summary>
    private static readonly string KubeConfigMapTable = $$"""
        {
          "kind": "Table",
          "apiVersion": "meta.k8s.io/v1",
          "metadata": {"resourceVersion": "4711", "continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", "remainingItemCount": 12},
          "columnDefinitions": [
            {"name": "Name", "type": "string", "format": "name", "description": {{JsonSerializer.Serialize(NameDescription)}}, "priority": 0},
            {"name": "Data", "type": "string", "format": "", "description": "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.", "priority": 0},
            {"name": "Age", "type": "string", "format": "", "description": {{JsonSerializer.Serialize(AgeDescription)}}, "priority": 0}
          ],
          "rows": [
            {
              "cells": ["kube-root-ca.crt", 1, "24h"],
              "object": {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": {"name": "kube-root-ca.crt", "namespace": "default", "uid": "3f0c", "resourceVersion": "312",
                             "creationTimestamp": "2025-05-31T12:00:00Z", "annotations": {"kubernetes.io/description": "x"} }
              }
            }
          ]
        }
        """;

    [Fact]
    public void WriteTable_ConfigMapList_MatchesKubeApiserverJson()
    {
        var json = WriteTable(Convertor(), Info("", "ConfigMap"), [ConfigMap], "4711", "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", 12, IncludeObject.Metadata);
        Assert.Equal(Normalize(KubeConfigMapTable), Normalize(json));
    }

    [Fact]
    public void WriteTable_SucceededPodWatchEvent_HasConditionsNullColumnsAndNoContinue()
    {
        var pod = Parse("""
            {"metadata":{"name":"job-x","creationTimestamp":"2025-06-01T11:59:00Z"},"spec":{"containers":[{"name":"c"}]},
             "status":{"phase":"Succeeded","containerStatuses":[{"name":"c","restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}
            """);
        var json = WriteTable(Convertor(), Info("", "Pod"), [pod], "99", null, null, IncludeObject.None, includeColumns: false);
        Assert.Equal(Normalize("""
            {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"99"},"columnDefinitions":null,
             "rows":[{"cells":["job-x","0/1","Completed","0","60s","<none>","<none>","<none>","<none>"],
                      "conditions":[{"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."}],
                      "object":null}]}
            """), Normalize(json));
    }

    [Fact]
    public void WriteTable_EmptyList_HasColumnsAndEmptyRows()
    {
        var json = JsonNode.Parse(WriteTable(Convertor(), Info("apps", "Deployment"), [], "", null, null, IncludeObject.Metadata))!;
        Assert.Equal(8, json["columnDefinitions"]!.AsArray().Count);
        Assert.Empty(json["rows"]!.AsArray());
        Assert.Empty(json["metadata"]!.AsObject());
    }

    [Fact]
    public void WriteTable_IncludeObject_EmbedsWholeObject()
    {
        var json = JsonNode.Parse(WriteTable(Convertor(), Info("", "ConfigMap"), [ConfigMap], "1", null, null, IncludeObject.Object))!;
        Assert.True(JsonNode.DeepEquals(ConfigMap, json["rows"]![0]!["object"]));
    }

    [Fact]
    public void ToTable_SerializedWithKubeJson_EqualsStreamedTable()
    {
        var convertor = Convertor();
        var table = convertor.ToTable(Info("", "ConfigMap"), [ConfigMap], "4711", "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", 12, IncludeObject.Metadata);
        var serialized = JsonSerializer.Serialize(table, KubeJson.Options);
        // V1ListMeta orders its members alphabetically; member order carries no meaning in JSON.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(KubeConfigMapTable), JsonNode.Parse(serialized)), serialized);
    }

    [Fact]
    public void Row_IncludeObjectModes_CarryNothingMetadataOrTheObject()
    {
        var convertor = Convertor();
        var info = Info("", "ConfigMap");
        Assert.Null(convertor.Row(info, ConfigMap, IncludeObject.None).Object);
        Assert.Same(ConfigMap, convertor.Row(info, ConfigMap, IncludeObject.Object).Object);

        var partial = convertor.Row(info, ConfigMap, IncludeObject.Metadata).Object!;
        Assert.Equal("PartialObjectMetadata", (string?)partial["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)partial["apiVersion"]);
        Assert.True(JsonNode.DeepEquals(ConfigMap["metadata"], partial["metadata"]));
        Assert.Null(partial["data"]);

        var noneJson = JsonSerializer.Serialize(convertor.Row(info, ConfigMap, IncludeObject.None), KubeJson.Options);
        Assert.Equal("""{"cells":["kube-root-ca.crt",1,"24h"],"object":null}""", noneJson);
    }

    [Fact]
    public void PartialObjectMetadataList_Serialized_HasKubeShape()
    {
        var list = new PartialObjectMetadataList
        {
            Metadata = new k8s.Models.V1ListMeta { ResourceVersion = "7" },
            Items = [new PartialObjectMetadata { Metadata = new k8s.Models.V1ObjectMeta { Name = "a", NamespaceProperty = "default" } }],
        };
        Assert.Equal(
            """{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"},"items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"a","namespace":"default"}}]}""",
            JsonSerializer.Serialize(list, KubeJson.Options));
    }

    [Fact]
    public void Row_ClockMoves_AgesFollowTimeProvider()
    {
        var time = new FixedTime(Now);
        var convertor = new TableConvertor(time);
        var info = Info("", "ConfigMap");
        Assert.Equal("24h", convertor.Row(info, ConfigMap, IncludeObject.None).Cells[2]);
        time.Now = Now.AddDays(2);
        Assert.Equal("3d", convertor.Row(info, ConfigMap, IncludeObject.None).Cells[2]);
    }

    [Fact]
    public async Task WriteTableAsync_LargeList_StreamsSameJsonAsWriteTable()
    {
        var pods = Enumerable.Range(0, 500).Select(i => PodFixture(i)).ToList();
        var convertor = Convertor();
        var expected = WriteTable(convertor, Info("", "Pod"), pods, "5", null, null, IncludeObject.Object);

        using var stream = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(stream))
        {
            await convertor.WriteTableAsync(writer, Info("", "Pod"), pods, "5", null, null, IncludeObject.Object,
                flushThresholdBytes: 4096, cancellationToken: TestContext.Current.CancellationToken);
        }
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>
    /// 10,000 pods, as <c>kubectl get pods -A</c> on a big cluster asks for them. Prints the best of three runs per
    /// <c>includeObject</c> mode after a full warm-up, as wall time and as this thread's CPU time (which a busy,
    /// shared machine distorts less); asserts only the result, since timing depends on the machine.
    /// </summary>
    [Fact]
    public void WriteTable_TenThousandPods_ReportsConversionTime()
    {
        var info = Info("", "Pod");
        var convertor = Convertor();
        var timings = new List<string>();
        foreach (var include in new[] { IncludeObject.Metadata, IncludeObject.None, IncludeObject.Object })
        {
            var best = double.MaxValue;
            var bestCpu = double.MaxValue;
            var size = 0;
            // Run 0 warms the JIT; each run converts freshly parsed pods, as a list request would.
            for (var run = 0; run < 4; run++)
            {
                var pods = ParsedPods(10_000);
                var cpu = ThreadCpuTime.Now();
                var sw = Stopwatch.StartNew();
                var buffer = Write(convertor, info, pods, include);
                sw.Stop();
                cpu = ThreadCpuTime.Now() - cpu;
                size = buffer.WrittenCount;
                if (run > 0)
                {
                    best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
                    bestCpu = Math.Min(bestCpu, cpu.TotalMilliseconds);
                }
                if (run == 0 && include == IncludeObject.Metadata)
                {
                    var table = JsonNode.Parse(buffer.WrittenSpan)!;
                    Assert.Equal(10_000, table["rows"]!.AsArray().Count);
                    Assert.Equal("pod-9999", (string?)table["rows"]![9999]!["cells"]![0]);
                    Assert.Equal("1 (120m ago)", (string?)table["rows"]![1]!["cells"]![3]);
                }
            }
            timings.Add($"includeObject={include}: {best:F1} ms wall, {bestCpu:F0} ms thread CPU ({size / 1024} KiB)");
        }
        var line = "Table conversion of 10,000 pods (best of 3): " + string.Join("; ", timings);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
    }

    private static List<JsonObject> ParsedPods(int count)
    {
        var list = new List<JsonObject>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(KubeJson.ParseObject(PodBytes[i % PodBytes.Length]));
        }
        return list;
    }

    private static readonly byte[][] PodBytes = Enumerable.Range(0, 10_000)
        .Select(i => System.Text.Encoding.UTF8.GetBytes(PodFixture(i).ToJsonString()))
        .ToArray();

    private static ArrayBufferWriter<byte> Write(TableConvertor convertor, Berth.Api.Kinds.ResourceInfo info, IEnumerable<JsonObject> pods, IncludeObject include)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        using var writer = new Utf8JsonWriter(buffer);
        convertor.WriteTable(writer, info, pods, "123456", null, null, include);
        writer.Flush();
        return buffer;
    }

    private static JsonObject PodFixture(int i) => Parse($$"""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"pod-{{i}}","namespace":"ns-{{i % 50}}","uid":"00000000-0000-0000-0000-{{i:D12}}","resourceVersion":"{{1000 + i}}",
           "creationTimestamp":"{{Ago(TimeSpan.FromMinutes(i % 5000))}}","labels":{"app":"web","pod-template-hash":"5d8f7c9b6d"},
           "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-5d8f7c9b6d","uid":"r","controller":true,"blockOwnerDeletion":true}]},
         "spec":{"nodeName":"node-{{i % 100}}","containers":[
           {"name":"app","image":"registry.local/web:1.2.3","ports":[{"containerPort":8080,"protocol":"TCP"}],
            "resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"memory":"256Mi"} } },
           {"name":"sidecar","image":"registry.local/log:0.9"}]},
         "status":{"phase":"Running","podIP":"10.{{i / 65536 % 256}}.{{i / 256 % 256}}.{{i % 256}}","podIPs":[{"ip":"10.{{i / 65536 % 256}}.{{i / 256 % 256}}.{{i % 256}}"}],
           "conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"},{"type":"ContainersReady","status":"True"},{"type":"PodScheduled","status":"True"}],
           "containerStatuses":[
             {"name":"app","ready":true,"restartCount":{{i % 3}},"started":true,"state":{"running":{"startedAt":"2025-06-01T00:00:00Z"} },
              "lastState":{{(i % 3 == 0 ? "{}" : "{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\",\"finishedAt\":\"2025-06-01T10:00:00Z\"}}")}} },
             {"name":"sidecar","ready":true,"restartCount":0,"started":true,"state":{"running":{"startedAt":"2025-06-01T00:00:00Z"} } }]} }
        """);
}
