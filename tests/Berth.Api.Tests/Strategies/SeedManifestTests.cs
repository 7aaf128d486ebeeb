using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Tests.Strategies;

public sealed class SeedManifestTests
{
    [Fact]
    public void Create_EverySeedManifest_DefaultsAndValidatesWithoutErrors()
    {
        var seeds = StrategyHarness.Seeds();
        Assert.True(seeds.Count >= 12);
        foreach (var obj in seeds)
        {
            var name = obj["kind"] + "/" + obj["metadata"]?["name"];
            var errs = StrategyHarness.Create(obj);
            Assert.True(errs.Count == 0, name + ": " + string.Join("; ", errs));
        }
    }

    [Fact]
    public void Update_EverySeedManifestUnchanged_HasNoErrors()
    {
        foreach (var obj in StrategyHarness.Seeds())
        {
            Assert.Empty(StrategyHarness.Create(obj));
            var stored = (JsonObject)obj.DeepClone();
            stored["metadata"]!["resourceVersion"] = "7";
            var errs = StrategyHarness.Update((JsonObject)stored.DeepClone(), stored);
            Assert.True(errs.Count == 0, obj["kind"] + ": " + string.Join("; ", errs));
        }
    }

    [Fact]
    public void Default_Twice_IsIdempotent()
    {
        foreach (var obj in StrategyHarness.Seeds())
        {
            Assert.Empty(StrategyHarness.Create(obj));
            var again = (JsonObject)obj.DeepClone();
            StrategyHarness.Strategy(again).Default(again);
            StrategyHarness.AssertJson(obj, again);
        }
    }

    private static JsonObject Seed(string kind, string name) =>
        StrategyHarness.Seeds().First(o => o["kind"]!.GetValue<string>() == kind && o["metadata"]!["name"]!.GetValue<string>() == name
            && (kind != "Deployment" || o["spec"]!["template"]!["spec"]!["containers"]![0]!["livenessProbe"] is not null));

    [Fact]
    public void Create_SeedDeployment_StoresWhatKubeStores()
    {
        var d = Seed("Deployment", "myapp");
        Assert.Empty(StrategyHarness.Create(d));
        StrategyHarness.AssertJson(StrategyHarness.Json("""
            {
              "replicas": 10,
              "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxSurge": 1, "maxUnavailable": 0 } },
              "selector": { "matchLabels": { "app": "myapp" } },
              "template": {
                "metadata": { "labels": { "app": "myapp" } },
                "spec": {
                  "containers": [ {
                    "name": "myapp",
                    "image": "mycompany/myapp:v1.2.3",
                    "ports": [ { "containerPort": 3000, "protocol": "TCP" } ],
                    "env": [ { "name": "NODE_ENV", "value": "production" } ],
                    "resources": { "limits": { "cpu": "1", "memory": "1Gi" }, "requests": { "cpu": "500m", "memory": "512Mi" } },
                    "livenessProbe": {
                      "httpGet": { "path": "/health", "port": 3000, "scheme": "HTTP" },
                      "initialDelaySeconds": 30, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3
                    },
                    "readinessProbe": {
                      "httpGet": { "path": "/ready", "port": 3000, "scheme": "HTTP" },
                      "initialDelaySeconds": 5, "timeoutSeconds": 1, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 3
                    },
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                    "imagePullPolicy": "IfNotPresent"
                  } ],
                  "restartPolicy": "Always",
                  "terminationGracePeriodSeconds": 30,
                  "dnsPolicy": "ClusterFirst",
                  "securityContext": {},
                  "schedulerName": "default-scheduler"
                }
              },
              "revisionHistoryLimit": 10,
              "progressDeadlineSeconds": 600
            }
            """), d["spec"]);
        Assert.Null(d["status"]);
    }

    [Fact]
    public void Create_SeedServices_GetKubeDefaults()
    {
        var svc = Seed("Service", "myapp-service");
        Assert.Empty(StrategyHarness.Create(svc));
        StrategyHarness.AssertJson(StrategyHarness.Json("""
            {
              "selector": { "app": "myapp" },
              "ports": [
                { "name": "http", "port": 80, "targetPort": 3000, "protocol": "TCP" },
                { "name": "metrics", "port": 9090, "targetPort": 9090, "protocol": "TCP" }
              ],
              "type": "ClusterIP",
              "sessionAffinity": "None",
              "internalTrafficPolicy": "Cluster",
              "ipFamilyPolicy": "SingleStack",
              "ipFamilies": [ "IPv4" ]
            }
            """), svc["spec"]);

        var headless = Seed("Service", "myapp-headless");
        Assert.Empty(StrategyHarness.Create(headless));
        StrategyHarness.AssertJson(StrategyHarness.Json("""
            {
              "selector": { "app": "myapp" },
              "ports": [ { "name": "http", "port": 3000, "targetPort": 3000, "protocol": "TCP" } ],
              "clusterIP": "None",
              "clusterIPs": [ "None" ],
              "type": "ClusterIP",
              "sessionAffinity": "None",
              "internalTrafficPolicy": "Cluster",
              "ipFamilyPolicy": "SingleStack",
              "ipFamilies": [ "IPv4" ]
            }
            """), headless["spec"]);
    }

    [Fact]
    public void Create_SeedHpa_FillsBehaviorDefaults()
    {
        var hpa = Seed("HorizontalPodAutoscaler", "myapp-hpa");
        Assert.Empty(StrategyHarness.Create(hpa));
        StrategyHarness.AssertJson(StrategyHarness.Json("""
            {
              "scaleDown": {
                "stabilizationWindowSeconds": 300, "selectPolicy": "Max",
                "policies": [ { "type": "Percent", "value": 10, "periodSeconds": 60 } ]
              },
              "scaleUp": {
                "stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                "policies": [ { "type": "Percent", "value": 100, "periodSeconds": 15 } ]
              }
            }
            """), hpa["spec"]!["behavior"]);
        var external = Seed("HorizontalPodAutoscaler", "my-app");
        Assert.Empty(StrategyHarness.Create(external));
        Assert.Null(external["spec"]!["behavior"]);
        Assert.Equal("1k", external["spec"]!["metrics"]![1]!["external"]!["target"]!["averageValue"]!.GetValue<string>());
    }

    [Fact]
    public void Create_SeedQuotaAndLimitRange_KeepValuesInCanonicalForm()
    {
        var quota = Seed("ResourceQuota", "compute-resources");
        Assert.Empty(StrategyHarness.Create(quota));
        Assert.Equal("20", quota["spec"]!["hard"]!["requests.cpu"]!.GetValue<string>());
        Assert.Equal("40Gi", quota["spec"]!["hard"]!["requests.memory"]!.GetValue<string>());
        Assert.Null(quota["status"]);

        var limits = Seed("LimitRange", "cpu-min-max-demo");
        Assert.Empty(StrategyHarness.Create(limits));
        StrategyHarness.AssertJson(StrategyHarness.Json("""
            {
              "type": "Container",
              "max": { "cpu": "2", "memory": "4Gi" },
              "min": { "cpu": "100m", "memory": "128Mi" },
              "default": { "cpu": "500m", "memory": "1Gi" },
              "defaultRequest": { "cpu": "250m", "memory": "512Mi" }
            }
            """), limits["spec"]!["limits"]![0]);
    }
}
