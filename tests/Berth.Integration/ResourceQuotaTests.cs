namespace Berth.Integration;

/// <summary>The seed's LimitRange and ResourceQuota with the real kubectl: defaults, rejections, usage and its release.</summary>
[Collection(ServerCollection.Name)]
public sealed class ResourceQuotaTests(ServerFixture fx)
{
    private static string Pod(string name, string? cpu = null) => cpu is null
        ? $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}
            spec:
              containers:
              - name: web
                image: nginx:1.25
            """
        : $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}
            spec:
              containers:
              - name: web
                image: nginx:1.25
                resources:
                  requests:
                    cpu: "{cpu}"
                  limits:
                    cpu: "{cpu}"
            """;

    // `kubectl create namespace` needs protobuf; apply sends JSON.
    private async Task<string> NamespaceAsync(string prefix)
    {
        var ns = prefix + "-" + Guid.NewGuid().ToString("n")[..6];
        (await fx.Kubectl.ApplyAsync($"""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: {ns}
            """)).Ok();
        return ns;
    }

    private async Task<string> UsedCpuAsync(string ns) =>
        (await fx.Kubectl.RunAsync("get", "quota", "compute-resources", "-n", ns, "-o", @"jsonpath={.status.used.requests\.cpu}")).Ok().Stdout;

    [Fact]
    public async Task SeedQuota_DefaultsRejectionsAndUsage_AsKube()
    {
        var k = fx.Kubectl;
        var ns = await NamespaceAsync("quota");
        var seed = await File.ReadAllTextAsync(Path.Combine(BerthServer.SeedDirectory, "kubernetes", "resource-quota.yaml"), TestContext.Current.CancellationToken);
        var applied = (await k.ApplyAsync(seed, "-n", ns)).Ok();
        Assert.Contains("resourcequota/compute-resources created", applied.Stdout);
        Assert.Contains("limitrange/cpu-min-max-demo created", applied.Stdout);

        // A pod without resources gets the LimitRange's defaults, and the annotation says so.
        (await k.ApplyAsync(Pod("defaults"), "-n", ns)).Ok();
        var yaml = (await k.RunAsync("get", "pod", "defaults", "-n", ns, "-o", "yaml")).Ok().Stdout;
        Assert.Matches(@"limits:\s+cpu: 500m\s+memory: 1Gi\s+requests:\s+cpu: 250m\s+memory: 512Mi", yaml);
        Assert.Contains("kubernetes.io/limit-ranger: 'LimitRanger plugin set: cpu, memory request for container", yaml);

        // Over the LimitRange's max: 403 with kube's message, nothing stored.
        var tooBig = await k.ApplyAsync(Pod("too-big", "3"), "-n", ns);
        Assert.NotEqual(0, tooBig.ExitCode);
        Assert.Contains("Error from server (Forbidden)", tooBig.Stderr);
        Assert.Contains("pods \"too-big\" is forbidden: maximum cpu usage per Container is 2, but limit is 3", tooBig.Stderr);
        Assert.NotEqual(0, (await k.RunAsync("get", "pod", "too-big", "-n", ns)).ExitCode);

        // Fill requests.cpu up to exactly 20: 250m + 9 × 2 + 1750m.
        var nine = string.Join("\n---\n", Enumerable.Range(1, 9).Select(i => Pod("cpu-" + i, "2")));
        (await k.ApplyAsync(nine, "-n", ns)).Ok();
        (await k.ApplyAsync(Pod("last", "1750m"), "-n", ns)).Ok();
        Assert.Equal("20", await UsedCpuAsync(ns));

        var over = await k.ApplyAsync(Pod("one-more", "100m"), "-n", ns);
        Assert.NotEqual(0, over.ExitCode);
        Assert.Contains("pods \"one-more\" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=100m, "
            + "used: requests.cpu=20, limited: requests.cpu=20", over.Stderr);

        var describe = (await k.RunAsync("describe", "quota", "compute-resources", "-n", ns)).Ok().Stdout;
        Assert.Matches(@"Resource\s+Used\s+Hard", describe);
        Assert.Matches(@"requests\.cpu\s+20\s+20\b", describe);
        // Eleven pods, each with the LimitRange's memory defaults; the first also with its cpu limit.
        Assert.Matches(@"limits\.cpu\s+20250m\s+40\b", describe);
        Assert.Matches(@"requests\.memory\s+5632Mi\s+40Gi\b", describe);
        Assert.Matches(@"limits\.memory\s+11Gi\s+80Gi\b", describe);
        Assert.Matches(@"services\.loadbalancers\s+0\s+5\b", describe);

        // Deleting pods frees their share once the controller has recounted.
        (await k.RunAsync("delete", "pod", "cpu-1", "cpu-2", "-n", ns)).Ok();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string used;
        while ((used = await UsedCpuAsync(ns)) != "16")
        {
            Assert.True(DateTime.UtcNow < deadline, $"requests.cpu still {used} after deleting two pods");
        }
        (await k.ApplyAsync(Pod("after-delete", "2"), "-n", ns)).Ok();
        Assert.Equal("18", await UsedCpuAsync(ns));
    }

    [Fact]
    public async Task ComputeQuota_PodWithoutLimits_FailedQuotaMustSpecify()
    {
        var ns = await NamespaceAsync("quota-limits");
        (await fx.Kubectl.ApplyAsync("""
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: compute
            spec:
              hard:
                limits.cpu: "4"
                limits.memory: 4Gi
            """, "-n", ns)).Ok();

        var r = await fx.Kubectl.ApplyAsync(Pod("bare"), "-n", ns);

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("pods \"bare\" is forbidden: failed quota: compute: must specify limits.cpu for: web; limits.memory for: web", r.Stderr);
        Assert.NotEqual(0, (await fx.Kubectl.RunAsync("get", "pod", "bare", "-n", ns)).ExitCode);
    }
}
