using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Schema;
using Berth.ApiServer.Protobuf;
using CsCheck;
using k8s.Models;

namespace Berth.ApiServer.Tests.Protobuf;

public sealed class KubernetesProtobufTests
{
    private static readonly KindRegistry Registry = new();

    private static JsonObject Decode(byte[] body) => KubernetesProtobuf.Decode(body, Registry);

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), "got " + actual.ToJsonString());

    private static StatusException AssertBadRequest(byte[] body)
    {
        var e = Assert.Throws<StatusException>(() => Decode(body));
        Assert.Equal(400, e.Code);
        return e;
    }

    [Fact]
    public void Decode_Namespace_ReturnsJsonWithoutGoZeroFields()
    {
        // As Go writes it: every non-pointer ObjectMeta field present, empty spec and status.
        var body = Pb.Envelope("v1", "Namespace", new Pb().Msg(1, Pb.Meta("demo")).Msg(2, new Pb()).Msg(3, s => s.Str(1, "")));

        AssertJson("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"},"spec":{},"status":{}}""", Decode(body));
    }

    [Fact]
    public void Decode_Deployment_ReturnsContainersPortsResourcesEnvAndStrategy()
    {
        var container = new Pb().Str(1, "nginx").Str(2, "nginx:1.27").Str(4, "-g").Str(4, "daemon off;").Str(5, "")
            .Msg(6, p => p.Str(1, "http").Int(2, 0).Int(3, 8080).Str(4, "TCP").Str(5, ""))
            .Msg(7, e => e.Str(1, "MODE").Str(2, "prod"))
            .Msg(7, e => e.Str(1, "POD").Str(2, "").Msg(3, s => s.Msg(1, f => f.Str(1, "").Str(2, "metadata.name"))))
            .Msg(8, r => r.Map(1, "cpu", q => q.Str(1, "500m")).Map(1, "memory", q => q.Str(1, "128Mi")).Map(2, "cpu", q => q.Str(1, "250m")))
            .Str(13, "").Str(14, "IfNotPresent")
            .Msg(15, sc => sc.Int(4, 0).Bool(7, false))
            .Bool(16, false).Bool(17, false).Bool(18, false);
        var spec = new Pb().Int(1, 3)
            .Msg(2, s => s.Map(1, "app", "web"))
            .Msg(3, t => t.Msg(1, Pb.Meta("", "", ("app", "web"))).Msg(2, ps => ps.Msg(2, container).Str(3, "Always").Int(4, 30)))
            .Msg(4, st => st.Str(1, "RollingUpdate").Msg(2, ru => ru.IntOrString(1, 0).IntOrString(2, "25%")))
            .Int(5, 0).Int(6, 10).Bool(7, false);
        var body = Pb.Envelope("apps/v1", "Deployment",
            new Pb().Msg(1, Pb.Meta("web", "prod", ("app", "web"))).Msg(2, spec).Msg(3, s => s.Int(1, 0).Int(2, 0)));

        AssertJson("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"prod","labels":{"app":"web"}},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
               "template":{"metadata":{"labels":{"app":"web"}},"spec":{
                 "containers":[{"name":"nginx","image":"nginx:1.27","args":["-g","daemon off;"],
                   "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
                   "env":[{"name":"MODE","value":"prod"},{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
                   "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"250m"}},
                   "imagePullPolicy":"IfNotPresent",
                   "securityContext":{"runAsUser":0,"allowPrivilegeEscalation":false}}],
                 "restartPolicy":"Always","terminationGracePeriodSeconds":30}},
               "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"25%"}},
               "revisionHistoryLimit":10},
             "status":{}}
            """, Decode(body));
    }

    [Fact]
    public void Decode_SecretWithBinaryData_ReturnsBase64()
    {
        var body = Pb.Envelope("v1", "Secret", new Pb().Msg(1, Pb.Meta("tls", "default"))
            .Map(2, "key", [0, 1, 2, 0xFF, 0xFE]).Map(2, "empty", []).Str(3, "Opaque").Bool(5, false));

        AssertJson("""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"tls","namespace":"default"},
             "data":{"key":"AAEC//4=","empty":""},"type":"Opaque","immutable":false}
            """, Decode(body));
    }

    [Fact]
    public void Decode_ServiceWithIntAndStringTargetPorts_ReturnsIntOrString()
    {
        var spec = new Pb()
            .Msg(1, p => p.Str(1, "http").Str(2, "TCP").Int(3, 80).IntOrString(4, 8080).Int(5, 0))
            .Msg(1, p => p.Str(1, "https").Str(2, "TCP").Int(3, 443).IntOrString(4, "https").Int(5, 0))
            .Map(2, "app", "web").Str(3, "").Str(4, "ClusterIP").Str(7, "").Bool(13, false);
        var body = Pb.Envelope("v1", "Service", new Pb().Msg(1, Pb.Meta("web")).Msg(2, spec).Msg(3, s => s.Msg(1, new Pb())));

        AssertJson("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
             "spec":{"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},
                              {"name":"https","protocol":"TCP","port":443,"targetPort":"https"}],
                     "selector":{"app":"web"},"type":"ClusterIP"},
             "status":{"loadBalancer":{}}}
            """, Decode(body));
    }

    [Fact]
    public void Decode_ConfigMap_KeepsEmptyMapValues()
    {
        var body = Pb.Envelope("v1", "ConfigMap", new Pb().Msg(1, Pb.Meta("cfg", "default"))
            .Map(2, "app.properties", "a=1\nb=2").Map(2, "empty", "").Map(3, "blob", [7]));

        AssertJson("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default"},
             "data":{"app.properties":"a=1\nb=2","empty":""},"binaryData":{"blob":"Bw=="}}
            """, Decode(body));
    }

    [Fact]
    public void Decode_LeaseAndEvent_WritesTimeAndMicroTime()
    {
        var lease = Pb.Envelope("coordination.k8s.io/v1", "Lease", new Pb().Msg(1, Pb.Meta("node-1", "kube-node-lease"))
            .Msg(2, s => s.Str(1, "node-1").Int(2, 40).Msg(4, t => t.Int(1, 1704164645).Int(2, 123456789))));
        var ev = Pb.Envelope("v1", "Event", new Pb().Msg(1, Pb.Meta("e1", "default"))
            .Msg(6, t => t.Int(1, 1704164645).Int(2, 999)).Msg(7, new Pb()));

        AssertJson("""
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"node-1","namespace":"kube-node-lease"},
             "spec":{"holderIdentity":"node-1","leaseDurationSeconds":40,"renewTime":"2024-01-02T03:04:05.123456Z"}}
            """, Decode(lease));
        AssertJson("""
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"e1","namespace":"default"},"firstTimestamp":"2024-01-02T03:04:05Z"}
            """, Decode(ev));
    }

    [Fact]
    public void Decode_RepeatedIntegersPackedOrNot_ReturnsSameArray()
    {
        static byte[] Job(Action<Pb> values)
        {
            var req = new Pb().Str(1, "main").Str(2, "In");
            values(req);
            var rule = new Pb().Str(1, "FailJob").Msg(2, req);
            return Pb.Envelope("batch/v1", "Job", new Pb().Msg(1, Pb.Meta("j")).Msg(2, s => s.Msg(11, p => p.Msg(1, rule))));
        }
        var unpacked = Job(r => r.Int(3, 1).Int(3, 42));
        var packed = Job(r => r.Bytes(3, new Pb().Raw(1).Raw(42).ToArray()));

        var expected = """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"podFailurePolicy":{"rules":[
              {"action":"FailJob","onExitCodes":{"containerName":"main","operator":"In","values":[1,42]}}]}}}
            """;
        AssertJson(expected, Decode(unpacked));
        AssertJson(expected, Decode(packed));
    }

    [Fact]
    public void Decode_CustomResourceDefinition_WritesSchemaWrappersAsJson()
    {
        Pb Str(string type) => new Pb().Str(5, type);
        var schema = new Pb().Str(5, "object")
            .Map(29, "replicas", p => p.Str(5, "integer").Double(11, 0).Msg(8, d => d.Bytes(1, "1"u8.ToArray())))
            .Map(29, "tags", p => p.Str(5, "array").Msg(24, a => a.Msg(1, Str("string"))))
            .Map(29, "labels", p => p.Str(5, "object").Msg(30, b => b.Bool(1, false).Msg(2, Str("string"))))
            .Map(29, "free", p => p.Bool(38, true))
            .Msg(30, b => b.Bool(1, false))
            .Str(23, "replicas");
        var version = new Pb().Str(1, "v1").Bool(2, true).Bool(3, true).Msg(4, v => v.Msg(1, schema)).Msg(5, s => s.Msg(1, new Pb()));
        var spec = new Pb().Str(1, "example.com").Msg(3, n => n.Str(1, "widgets").Str(2, "widget").Str(4, "Widget").Str(5, "WidgetList"))
            .Str(4, "Namespaced").Msg(7, version);
        var body = Pb.Envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition",
            new Pb().Msg(1, Pb.Meta("widgets.example.com")).Msg(2, spec));

        AssertJson("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
               "scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                 "schema":{"openAPIV3Schema":{"type":"object","required":["replicas"],"additionalProperties":false,"properties":{
                   "replicas":{"type":"integer","minimum":0,"default":1},
                   "tags":{"type":"array","items":{"type":"string"}},
                   "labels":{"type":"object","additionalProperties":{"type":"string"}},
                   "free":{"x-kubernetes-preserve-unknown-fields":true}}}}}]}}
            """, Decode(body));
    }

    [Fact]
    public void Decode_ScaleEvictionAndDeleteOptions_AreSupported()
    {
        var scale = Pb.Envelope("autoscaling/v1", "Scale", new Pb().Msg(1, Pb.Meta("web", "default")).Msg(2, s => s.Int(1, 0)));
        var eviction = Pb.Envelope("policy/v1", "Eviction", new Pb().Msg(1, Pb.Meta("pod-1", "default"))
            .Msg(2, o => o.Int(1, 0).Str(4, "Foreground").Str(5, "All")));
        var delete = Pb.Envelope("apps/v1", "DeleteOptions", new Pb().Msg(2, p => p.Str(1, "uid-1")).Str(4, "Orphan"));

        AssertJson("""{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":0}}""",
            Decode(scale));
        AssertJson("""
            {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"pod-1","namespace":"default"},
             "deleteOptions":{"gracePeriodSeconds":0,"propagationPolicy":"Foreground","dryRun":["All"]}}
            """, Decode(eviction));
        AssertJson("""{"apiVersion":"apps/v1","kind":"DeleteOptions","preconditions":{"uid":"uid-1"},"propagationPolicy":"Orphan"}""",
            Decode(delete));
    }

    [Fact]
    public void Decode_ControllerRevisionWithRawExtension_ParsesEmbeddedJson()
    {
        var body = Pb.Envelope("apps/v1", "ControllerRevision", new Pb().Msg(1, Pb.Meta("web-1"))
            .Msg(2, r => r.Bytes(1, """{"spec":{"template":{"$patch":"replace"}}}"""u8.ToArray())).Int(3, 1));

        AssertJson("""
            {"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"web-1"},
             "data":{"spec":{"template":{"$patch":"replace"}}},"revision":1}
            """, Decode(body));
    }

    [Fact]
    public void Decode_UnknownFields_AreSkipped()
    {
        var body = Pb.Envelope("v1", "ConfigMap", new Pb().Msg(1, Pb.Meta("c")).Int(99, 7).Double(98, 1.5).Str(97, "x").Map(2, "k", "v"));

        AssertJson("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}}""", Decode(body));
    }

    private static List<(string Command, string Hex)> KubectlCaptures()
    {
        var captures = new List<(string, string)>();
        var command = "";
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Protobuf", "kubectl-1.33-create-bodies.txt")))
        {
            if (line.StartsWith("# kubectl ", StringComparison.Ordinal))
            {
                command = line[2..];
            }
            else if (!line.StartsWith('#') && line.Length > 0)
            {
                captures.Add((command, line.Split(' ')[1]));
            }
        }
        return captures;
    }

    public static TheoryData<string, string> KubectlBodies()
    {
        var data = new TheoryData<string, string>();
        foreach (var (command, hex) in KubectlCaptures())
        {
            data.Add(command, hex);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KubectlBodies))]
    public void Decode_BodyKubectlSent_RoundTripsThroughTheModelType(string command, string hex)
    {
        var json = Decode(Convert.FromHexString(hex));

        var (group, version) = GroupVersionKind.SplitApiVersion((string)json["apiVersion"]!);
        var type = Registry.FindKind(group, version, (string)json["kind"]!)!.ModelType!;
        var typed = KubeJson.Deserialize(json, type);
        Assert.True(JsonNode.DeepEquals(json, KubeJson.ToNode(typed, type)), command + ": " + json.ToJsonString());
    }

    [Fact]
    public void Decode_BodiesKubectlSent_EqualKubectlsOwnJson()
    {
        // Expected values are `kubectl create ... --dry-run=client -o json` of the same commands (creationTimestamp: null removed).
        var bodies = KubectlCaptures().Select(c => c.Hex).ToList();

        AssertJson("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":0,
             "selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
             {"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":8080}],"resources":{}}]}},"strategy":{}},"status":{}}
            """, Decode(Convert.FromHexString(bodies[1])));
        AssertJson("""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1"},"data":{"a":"Yg==","blob":"YmluYXJ5AP/+"}}
            """, Decode(Convert.FromHexString(bodies[2])));
        AssertJson("""
            {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"pc0"},"value":0,
             "description":"zero","preemptionPolicy":"PreemptLowerPriority"}
            """, Decode(Convert.FromHexString(bodies[10])));
        AssertJson("""
            {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"pdb1"},"spec":{"minAvailable":"50%",
             "selector":{"matchLabels":{"app":"x"}}},"status":{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}}
            """, Decode(Convert.FromHexString(bodies[12])));
        AssertJson("""
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"ing1"},"spec":{"ingressClassName":"nginx",
             "tls":[{"hosts":["tls.com"],"secretName":"mysecret"}],"rules":[
              {"host":"foo.com","http":{"paths":[{"path":"/bar","pathType":"Prefix","backend":{"service":{"name":"svc1","port":{"number":8080}}}}]}},
              {"host":"tls.com","http":{"paths":[{"path":"/","pathType":"Exact","backend":{"service":{"name":"svc2","port":{"name":"http"}}}}]}}]},
             "status":{"loadBalancer":{}}}
            """, Decode(Convert.FromHexString(bodies[13])));
    }

    [Fact]
    public void Decode_BadMagic_ThrowsBadRequest()
    {
        var e = AssertBadRequest("""{"kind":"Namespace"}"""u8.ToArray());

        Assert.Contains("expected prefix [107 56 115 0]", e.Message);
    }

    [Fact]
    public void Decode_TruncatedVarint_ThrowsBadRequest()
    {
        // ConfigMap.immutable (field 4, varint) whose value ends mid-varint.
        var body = Pb.Envelope("v1", "ConfigMap", new Pb().Msg(1, Pb.Meta("c")).Tag(4, 0).Append(0xFF));

        var e = AssertBadRequest(body);

        Assert.Contains("truncated varint", e.Message);
    }

    [Fact]
    public void Decode_WrongWireType_ThrowsBadRequest()
    {
        // ObjectMeta.name (field 1) sent as a varint.
        var e = AssertBadRequest(Pb.Envelope("v1", "ConfigMap", new Pb().Msg(1, m => m.Int(1, 5))));

        Assert.Contains("V1ObjectMeta.name", e.Message);
    }

    [Fact]
    public void Decode_UnknownKind_ThrowsBadRequest()
    {
        var e = AssertBadRequest(Pb.Envelope("apps/v1", "Gizmo", new Pb()));

        Assert.Equal("no kind \"Gizmo\" is registered for version \"apps/v1\"", e.Message);
    }

    [Fact]
    public void Decode_CustomResourceKind_ThrowsBadRequest()
    {
        var registry = new KindRegistry();
        registry.SetCustomResources([new ResourceInfo
        {
            Group = "example.com", Version = "v1", Resource = "widgets", Kind = "Widget", Namespaced = true,
        }]);

        var e = Assert.Throws<StatusException>(() =>
            KubernetesProtobuf.Decode(Pb.Envelope("example.com/v1", "Widget", new Pb().Msg(1, Pb.Meta("w"))), registry));

        Assert.Equal(400, e.Code);
        Assert.Contains("custom resource", e.Message);
    }

    [Fact]
    public void Decode_OverDeepNesting_ThrowsBadRequest()
    {
        // JSONSchemaProps.not (field 28) nested 1000 deep.
        var schema = new Pb().Str(5, "string");
        for (var i = 0; i < 1000; i++)
        {
            schema = new Pb().Msg(28, schema);
        }
        var body = Pb.Envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition", new Pb().Msg(2, s => s.Msg(7,
            v => v.Msg(4, x => x.Msg(1, schema)))));

        var e = AssertBadRequest(body);

        Assert.Contains("nested deeper", e.Message);
    }

    [Fact]
    public void Decode_InvalidEmbeddedJsonOrTime_ThrowsBadRequest()
    {
        AssertBadRequest(Pb.Envelope("apps/v1", "ControllerRevision", new Pb().Msg(2, r => r.Bytes(1, "{nope"u8.ToArray()))));
        AssertBadRequest(Pb.Envelope("v1", "Event", new Pb().Msg(6, t => t.Int(1, long.MaxValue))));
        AssertBadRequest(Pb.Envelope("apps/v1", "Deployment", new Pb().Msg(2, s => s.Msg(4, st => st.Msg(2, ru => ru.Msg(2, i => i.Int(1, 7)))))));
    }

    [Fact]
    public void Decode_RandomBytes_ReturnsOrThrowsBadRequest()
    {
        Gen.Byte.Array[0, 300].Select(Gen.Bool).Sample((bytes, withMagic) =>
        {
            byte[] body = withMagic ? [.. "k8s\0"u8.ToArray(), .. bytes] : bytes;
            AssertReturnsOrBadRequest(body);
        }, iter: 20_000);
    }

    [Fact]
    public void Decode_MutatedValidBodies_ReturnsOrThrowsBadRequest()
    {
        var seeds = KubectlCaptures().Select(c => Convert.FromHexString(c.Hex)).ToArray();
        Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 1_000_000], Gen.Byte, Gen.Int[0, 3]).Sample((seed, at, value, how) =>
        {
            var body = seeds[seed];
            AssertReturnsOrBadRequest(Mutate(body, at % body.Length, value, how));
        }, iter: 20_000);
    }

    private static byte[] Mutate(byte[] seed, int at, byte value, int how)
    {
        var list = seed.ToList();
        switch (how)
        {
            case 0:
                list[at] = value;
                break;
            case 1:
                list.Insert(at, value);
                break;
            case 2:
                list.RemoveAt(at);
                break;
            default:
                list.RemoveRange(at, list.Count - at);
                break;
        }
        return [.. list];
    }

    private static void AssertReturnsOrBadRequest(byte[] body)
    {
        try
        {
            Decode(body);
        }
        catch (StatusException e)
        {
            Assert.Equal(400, e.Code);
        }
    }

    // Fields of the model types that Kubernetes 1.33 does not have (so no verified field number): newer alpha fields.
    private static readonly HashSet<string> NewerThan133 =
    [
        "V1NodeSpec.podPreemptionPolicy", "V1NodeStatus.declaredFeatures", "V1PodSpec.evictionResponders",
        "V1PodSpec.hostnameOverride", "V1PodSpec.schedulingGroup", "V1PodStatus.allocatedResources",
        "V1PodStatus.extendedResourceClaimStatus", "V1PodStatus.nodeAllocatableResourceClaimStatuses",
        "V1PodStatus.resources", "V1PodStatus.volumeHealth", "V1PersistentVolumeClaimStatus.healthStatus",
        "V1JobSpec.scheduling", "V1NodeSystemInfo.runningInUserNamespace", "V1Container.restartPolicyRules",
        "V1EphemeralContainer.restartPolicyRules", "V2HorizontalPodAutoscalerCondition.observedGeneration",
        "V1EmptyDirVolumeSource.mode", "V1SecretVolumeSource.defaultUser", "V1DownwardAPIVolumeSource.defaultUser",
        "V1ConfigMapVolumeSource.defaultUser", "V1ProjectedVolumeSource.defaultUser", "V1VolumeMount.bindMountOptions",
        "V1VolumeMountStatus.volumeStatus", "V1KeyToPath.user", "V1DownwardAPIVolumeFile.user",
        "V1VolumeProjection.podCertificate", "V1EnvVarSource.fileKeyRef", "V1HTTPGetAction.protocol", "V1GRPCAction.mode",
        "V1ResourceHealth.message", "V1ServiceAccountTokenProjection.user", "V1ClusterTrustBundleProjection.user",
        "V1CustomResourceDefinitionStatus.observedGeneration", "V1CustomResourceDefinitionCondition.observedGeneration",
    ];

    [Fact]
    public void ProtoFields_EveryKindAndReachableType_HasAFieldNumberForEveryProperty()
    {
        var roots = Registry.Builtins.Select(r => r.ModelType!).Concat([typeof(V1Scale), typeof(V1Eviction), typeof(V1DeleteOptions)]);
        var missing = new List<string>();
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(roots);
        while (queue.TryDequeue(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }
            if (!ProtoFields.Messages.TryGetValue(type, out var table))
            {
                missing.Add(type.Name + " (no table)");
                continue;
            }
            var covered = Names(table).ToHashSet();
            foreach (var (name, property) in TypeSchema.For(type).Properties)
            {
                var root = roots.Contains(type) && name is "apiVersion" or "kind";
                if (!covered.Contains(name) && !root && !NewerThan133.Contains(type.Name + "." + name))
                {
                    missing.Add(type.Name + "." + name);
                }
                var value = property.Type.Kind is SchemaKind.Array or SchemaKind.Map ? property.Type.Items! : property.Type;
                if (value.Kind == SchemaKind.Object && covered.Contains(name))
                {
                    queue.Enqueue(Nullable.GetUnderlyingType(value.ClrType) ?? value.ClrType);
                }
            }
        }

        Assert.Empty(missing);
        Assert.Equal(seen.Count, MessagePlan.All.Count);

        static IEnumerable<string> Names(string table) => table.Split(' ').SelectMany(entry =>
            entry.StartsWith('+') ? Names(ProtoFields.Inline[entry[1..entry.IndexOf('=')]]) : [entry[..entry.LastIndexOf('=')]]);
    }
}
