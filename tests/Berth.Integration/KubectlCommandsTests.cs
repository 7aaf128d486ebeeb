namespace Berth.Integration;

/// <summary>kubectl's imperative commands against Berth.</summary>
public sealed class KubectlCommandsTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    public static TheoryData<string> Versions => new(Kubectl.MatrixVersions);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Create_NamespaceDeploymentConfigMapSecret_Succeed(string version)
    {
        var k = fx.Kubectl.WithVersion(version);
        var ns = "create-" + version.Replace(".", "", StringComparison.Ordinal) + "-" + Guid.NewGuid().ToString("n")[..4];
        Assert.Contains($"namespace/{ns} created", (await k.RunAsync("create", "namespace", ns)).Ok().Stdout);
        Assert.Contains("deployment.apps/web created", (await k.RunAsync("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2", "-n", ns)).Ok().Stdout);
        Assert.Contains("configmap/settings created", (await k.RunAsync("create", "configmap", "settings", "--from-literal=color=blue", "-n", ns)).Ok().Stdout);
        Assert.Contains("secret/creds created", (await k.RunAsync("create", "secret", "generic", "creds", "--from-literal=password=s3cr3t", "-n", ns)).Ok().Stdout);
        Assert.Equal("2", (await k.RunAsync("get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}")).Ok().Stdout);
        Assert.Equal("blue", (await k.RunAsync("get", "cm", "settings", "-n", ns, "-o", "jsonpath={.data.color}")).Ok().Stdout);
        Assert.Equal("czNjcjN0", (await k.RunAsync("get", "secret", "creds", "-n", ns, "-o", "jsonpath={.data.password}")).Ok().Stdout);
    }

    [Fact]
    public async Task LabelAnnotateScalePatch_ChangeTheObject()
    {
        var ns = await fx.NamespaceAsync("edit");
        var k = fx.Kubectl;
        (await k.RunAsync("create", "deployment", "web", "--image=nginx:1.25", "-n", ns)).Ok();
        (await k.RunAsync("label", "deploy", "web", "tier=front", "-n", ns)).Ok();
        (await k.RunAsync("annotate", "deploy", "web", "owner=team-a", "-n", ns)).Ok();
        (await k.RunAsync("label", "deploy", "web", "tier=back", "--overwrite", "-n", ns)).Ok();
        Assert.Equal("back team-a", (await k.RunAsync("get", "deploy", "web", "-n", ns, "-o",
            "jsonpath={.metadata.labels.tier} {.metadata.annotations.owner}")).Ok().Stdout);
        (await k.RunAsync("annotate", "deploy", "web", "owner-", "-n", ns)).Ok();
        Assert.Equal("", (await k.RunAsync("get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.annotations.owner}")).Ok().Stdout);

        Assert.Contains("scaled", (await k.RunAsync("scale", "deploy", "web", "--replicas=5", "-n", ns)).Ok().Stdout);
        Assert.Equal("5", (await k.RunAsync("get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}")).Ok().Stdout);

        (await k.RunAsync("patch", "deploy", "web", "-n", ns, "--type=strategic", "-p",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.26\"}]}}}}")).Ok();
        Assert.Equal("nginx:1.26", (await k.RunAsync("get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}")).Ok().Stdout);
        (await k.RunAsync("patch", "deploy", "web", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"minReadySeconds\":7}}")).Ok();
        (await k.RunAsync("patch", "deploy", "web", "-n", ns, "--type=json", "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]")).Ok();
        Assert.Equal("7 3", (await k.RunAsync("get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.minReadySeconds} {.spec.replicas}")).Ok().Stdout);
        var generation = (await k.RunAsync("get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.generation}")).Ok().Stdout;
        Assert.True(int.Parse(generation, System.Globalization.CultureInfo.InvariantCulture) >= 4, "every spec change bumps metadata.generation");
    }

    [Fact]
    public async Task Describe_Deployment_ShowsKubectlSections()
    {
        var ns = await fx.NamespaceAsync("describe");
        (await fx.Kubectl.RunAsync("create", "deployment", "web", "--image=nginx:1.25", "-n", ns)).Ok();
        var d = (await fx.Kubectl.RunAsync("describe", "deploy", "web", "-n", ns)).Ok().Stdout;
        Assert.Matches(@"Name:\s+web", d);
        Assert.Matches(@"Namespace:\s+" + ns, d);
        Assert.Matches(@"StrategyType:\s+RollingUpdate", d);
        Assert.Matches(@"RollingUpdateStrategy:\s+25% max unavailable, 25% max surge", d);
        Assert.Contains("Image:", d);
    }

    [Fact]
    public async Task Explain_DeploymentStrategy_DescribesTheField()
    {
        var r = (await fx.Kubectl.RunAsync("explain", "deployment.spec.strategy")).Ok().Stdout;
        Assert.Contains("KIND:", r);
        Assert.Contains("Deployment", r);
        Assert.Contains("rollingUpdate", r);
        Assert.Contains("type", r);
        var pods = (await fx.Kubectl.RunAsync("explain", "pods.spec.containers.livenessProbe")).Ok().Stdout;
        Assert.Contains("httpGet", pods);
    }

    [Fact]
    public async Task Delete_Cascading_FollowsOwnerReferences()
    {
        var ns = await fx.NamespaceAsync("cascade");
        var k = fx.Kubectl;
        foreach (var (owner, policy) in new[] { ("bg", "background"), ("fg", "foreground"), ("orphan", "orphan") })
        {
            (await k.RunAsync("create", "configmap", owner, "--from-literal=a=b", "-n", ns)).Ok();
            var uid = (await k.RunAsync("get", "cm", owner, "-n", ns, "-o", "jsonpath={.metadata.uid}")).Ok().Stdout;
            (await k.ApplyAsync($"""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {owner}-child
                  ownerReferences:
                  - apiVersion: v1
                    kind: ConfigMap
                    name: {owner}
                    uid: {uid}
                    blockOwnerDeletion: true
                """, "-n", ns)).Ok();
            (await k.RunAsync("delete", "cm", owner, "-n", ns, "--cascade=" + policy, "--timeout=30s")).Ok();
        }
        // Background and foreground take the child with the owner; orphan leaves it without the reference.
        (await k.RunAsync("wait", "--for=delete", "cm/bg-child", "cm/fg-child", "-n", ns, "--timeout=30s")).Ok();
        var orphan = (await k.RunAsync("get", "cm", "orphan-child", "-n", ns, "-o", "jsonpath={.metadata.ownerReferences}")).Ok();
        Assert.Equal("", orphan.Stdout);
    }

    [Fact]
    public async Task Wait_ForJsonPathAndDelete_Completes()
    {
        var ns = await fx.NamespaceAsync("wait");
        var k = fx.Kubectl;
        (await k.RunAsync("create", "configmap", "flag", "--from-literal=ready=no", "-n", ns)).Ok();
        var waiter = k.RunAsync(["wait", "--for=jsonpath={.data.ready}=yes", "cm/flag", "-n", ns, "--timeout=30s"], null, TimeSpan.FromSeconds(40));
        (await k.RunAsync("patch", "cm", "flag", "-n", ns, "--type=merge", "-p", "{\"data\":{\"ready\":\"yes\"}}")).Ok();
        (await waiter).Ok();
        var deleted = k.RunAsync(["wait", "--for=delete", "cm/flag", "-n", ns, "--timeout=30s"], null, TimeSpan.FromSeconds(40));
        (await k.RunAsync("delete", "cm", "flag", "-n", ns)).Ok();
        (await deleted).Ok();
    }

    [Fact]
    public async Task GetWatch_PrintsChangesAsTheyHappen()
    {
        var ns = await fx.NamespaceAsync("watch");
        var k = fx.Kubectl;
        using var watch = k.Start("get", "cm", "-n", ns, "-w", "--output-watch-events");
        (await k.RunAsync("create", "configmap", "live", "--from-literal=v=1", "-n", ns)).Ok();
        await watch.WaitForAsync(@"ADDED\s+live", TimeSpan.FromSeconds(60));
        (await k.RunAsync("patch", "cm", "live", "-n", ns, "--type=merge", "-p", "{\"data\":{\"v\":\"2\"}}")).Ok();
        await watch.WaitForAsync(@"MODIFIED\s+live", TimeSpan.FromSeconds(60));
        (await k.RunAsync("delete", "cm", "live", "-n", ns)).Ok();
        await watch.WaitForAsync(@"DELETED\s+live", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task GetEvents_ListsEventsOfTheNamespace()
    {
        var ns = await fx.NamespaceAsync("events");
        var k = fx.Kubectl;
        (await k.RunAsync("create", "configmap", "subject", "-n", ns)).Ok();
        (await k.ApplyAsync($"""
            apiVersion: v1
            kind: Event
            metadata:
              name: subject.1
            involvedObject:
              apiVersion: v1
              kind: ConfigMap
              name: subject
              namespace: {ns}
            reason: Tested
            message: the event a test wrote
            type: Normal
            source:
              component: berth-test
            count: 1
            firstTimestamp: "2026-01-01T00:00:00Z"
            lastTimestamp: "2026-01-01T00:00:00Z"
            """, "-n", ns)).Ok();
        var events = (await k.RunAsync("get", "events", "-n", ns)).Ok().Stdout;
        Assert.Matches(@"LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE", events);
        Assert.Contains("configmap/subject", events);
        Assert.Contains("the event a test wrote", events);
        var selected = (await k.RunAsync("get", "events", "-n", ns, "--field-selector", "involvedObject.name=subject,reason=Tested", "-o", "name")).Ok();
        Assert.Contains("event/subject.1", selected.Stdout);
    }
}
