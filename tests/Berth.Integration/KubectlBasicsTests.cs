namespace Berth.Integration;

/// <summary>The everyday kubectl commands against a real Berth server, with each kubectl of the compatibility matrix.</summary>
[Collection(ServerCollection.Name)]
public sealed class KubectlBasicsTests(ServerFixture fx)
{
    public static TheoryData<string> Versions => new(Kubectl.MatrixVersions);

    private static string Deployment(string name, string image = "nginx:1.25", int replicas = 2) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          labels:
            app: {name}
        spec:
          replicas: {replicas}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
              - name: web
                image: {image}
                ports:
                - containerPort: 80
        """;

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Version_ReportsKubernetes133Server(string version)
    {
        var r = (await fx.Kubectl.WithVersion(version).RunAsync("version")).Ok();
        Assert.Contains("v1.33.0+berth", r.Stdout);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ApiResources_ListsBuiltinKindsWithShortNames(string version)
    {
        var r = (await fx.Kubectl.WithVersion(version).RunAsync("api-resources")).Ok();
        Assert.Matches(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment", r.Stdout);
        Assert.Matches(@"pods\s+po\s+v1\s+true\s+Pod", r.Stdout);
        Assert.Matches(@"horizontalpodautoscalers\s+hpa\s+autoscaling/v2\s+true\s+HorizontalPodAutoscaler", r.Stdout);
        Assert.Matches(@"customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io/v1\s+false", r.Stdout);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Apply_CreateThenConfiguredThenUnchanged(string version)
    {
        var k = fx.Kubectl.WithVersion(version);
        var ns = await fx.NamespaceAsync("apply");
        var created = (await k.ApplyAsync(Deployment("web"), "-n", ns)).Ok();
        Assert.Contains("deployment.apps/web created", created.Stdout);
        var configured = (await k.ApplyAsync(Deployment("web", "nginx:1.26"), "-n", ns)).Ok();
        Assert.Contains("deployment.apps/web configured", configured.Stdout);
        var unchanged = (await k.ApplyAsync(Deployment("web", "nginx:1.26"), "-n", ns)).Ok();
        Assert.Contains("deployment.apps/web unchanged", unchanged.Stdout);
        var image = (await k.RunAsync("get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}")).Ok();
        Assert.Equal("nginx:1.26", image.Stdout);
    }

    [Fact]
    public async Task Get_OutputFormats_ShowTheObject()
    {
        var ns = await fx.NamespaceAsync("get");
        (await fx.Kubectl.ApplyAsync(Deployment("fmt"), "-n", ns)).Ok();
        var yaml = (await fx.Kubectl.RunAsync("get", "deploy", "fmt", "-n", ns, "-o", "yaml")).Ok();
        Assert.Contains("kind: Deployment", yaml.Stdout);
        Assert.Contains("revisionHistoryLimit: 10", yaml.Stdout);
        Assert.Contains("progressDeadlineSeconds: 600", yaml.Stdout);
        var json = (await fx.Kubectl.RunAsync("get", "deploy", "fmt", "-n", ns, "-o", "json")).Ok();
        Assert.Contains("\"maxSurge\": \"25%\"", json.Stdout);
        var table = (await fx.Kubectl.RunAsync("get", "deploy", "-n", ns)).Ok();
        Assert.Matches(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE", table.Stdout);
        var wide = (await fx.Kubectl.RunAsync("get", "deploy", "-n", ns, "-o", "wide")).Ok();
        Assert.Matches(@"CONTAINERS\s+IMAGES\s+SELECTOR", wide.Stdout);
        Assert.Contains("app=fmt", wide.Stdout);
    }

    [Fact]
    public async Task Get_LabelSelectorAndAllNamespaces_Filter()
    {
        var ns = await fx.NamespaceAsync("sel");
        (await fx.Kubectl.RunAsync("create", "configmap", "a", "-n", ns, "--from-literal=k=v")).Ok();
        (await fx.Kubectl.RunAsync("create", "configmap", "b", "-n", ns, "--from-literal=k=v")).Ok();
        (await fx.Kubectl.RunAsync("label", "configmap", "a", "-n", ns, "tier=front")).Ok();
        var selected = (await fx.Kubectl.RunAsync("get", "cm", "-n", ns, "-l", "tier=front", "-o", "name")).Ok();
        Assert.Equal("configmap/a", selected.Stdout.Trim());
        var all = (await fx.Kubectl.RunAsync("get", "cm", "-A", "-l", "tier in (front)")).Ok();
        Assert.Contains(ns, all.Stdout);
        Assert.DoesNotContain(" b ", all.Stdout);
    }
}
