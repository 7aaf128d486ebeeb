using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.ApiServer.Registry;

namespace Berth.ApiServer.Tests.Admission;

public sealed class ResourceQuotaAdmissionTests
{
    private static async Task<string?> UsedAsync(AdmissionHarness h, string quota, string resource)
    {
        var q = await h.GetAsync("resourcequotas", "ns", quota);
        return q["status"]?["used"]?[resource]?.GetValue<string>();
    }

    [Fact]
    public async Task Create_ChargesStatusUsedUntilLimit_ThenForbidden()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("resourcequotas", "ns", AdmissionHarness.Quota("compute-resources", """{"requests.cpu":"5","pods":"10"}"""));

        for (var i = 0; i < 2; i++)
        {
            await h.CreateAsync("pods", "ns", AdmissionHarness.CpuPod("p" + i, "2"));
        }
        Assert.Equal("4", await UsedAsync(h, "compute-resources", "requests.cpu"));
        Assert.Equal("2", await UsedAsync(h, "compute-resources", "pods"));

        var e = await Assert.ThrowsAsync<StatusException>(async () => await h.CreateAsync("pods", "ns", AdmissionHarness.CpuPod("p2", "2")));
        Assert.Equal(403, e.Code);
        Assert.Equal("pods \"p2\" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=2, used: requests.cpu=4, limited: requests.cpu=5",
            e.Status.Message);
        Assert.Equal("4", await UsedAsync(h, "compute-resources", "requests.cpu"));
        var quota = await h.GetAsync("resourcequotas", "ns", "compute-resources");
        Assert.Equal("""{"pods":"10","requests.cpu":"5"}""", quota["status"]!["hard"]!.ToJsonString());
    }

    [Fact]
    public async Task Create_ConcurrentRequests_NeverExceedTheLimit()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("resourcequotas", "ns", AdmissionHarness.Quota("pods", """{"pods":"5"}"""));

        var attempts = Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await h.CreateAsync("pods", "ns", AdmissionHarness.Pod("p" + i));
                return true;
            }
            catch (StatusException e) when (e.Code == 403)
            {
                return false;
            }
        }).ToList();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(5, results.Count(ok => ok));
        var pods = await h.Storage.ListAsync(h.Info("pods"), "ns", ListOptions.Everything, TestContext.Current.CancellationToken);
        Assert.Equal(5, pods.Items.Count);
        Assert.Equal("5", await UsedAsync(h, "pods", "pods"));
    }

    [Fact]
    public async Task Create_QuotaWithoutStatus_UsageComputedFromExistingObjects()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("configmaps", "ns", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}""");
        await h.CreateAsync("configmaps", "ns", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}""");
        await h.CreateAsync("resourcequotas", "ns", AdmissionHarness.Quota("objects", """{"count/configmaps":"3"}"""));

        await h.CreateAsync("configmaps", "ns", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""");
        var e = await Assert.ThrowsAsync<StatusException>(async () =>
            await h.CreateAsync("configmaps", "ns", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"}}"""));

        Assert.Equal("configmaps \"d\" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=3, limited: count/configmaps=3",
            e.Status.Message);
    }

    [Fact]
    public async Task Create_DryRun_CheckedButNotCharged()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("resourcequotas", "ns", AdmissionHarness.Quota("svc", """{"services":"1","services.nodeports":"1"}"""));
        var dryRun = new WriteOptions { DryRun = true };

        await h.CreateAsync("services", "ns", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"},"spec":{"ports":[{"port":80}]}}""", dryRun);
        Assert.Null(await UsedAsync(h, "svc", "services"));

        var e = await Assert.ThrowsAsync<StatusException>(async () => await h.CreateAsync("services", "ns", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"b"},"spec":{"type":"NodePort","ports":[{"name":"a","port":80},{"name":"b","port":81}]}}
            """, dryRun));
        Assert.EndsWith("exceeded quota: svc, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1",
            e.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_ChargedByGrowthOnly_DeleteNotCharged()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("resourcequotas", "ns", AdmissionHarness.Quota("lb", """{"services.loadbalancers":"1","services":"5"}"""));
        var svc = await h.CreateAsync("services", "ns", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"a"},"spec":{"type":"LoadBalancer","ports":[{"port":80}]}}
            """);
        Assert.Equal("1", await UsedAsync(h, "lb", "services.loadbalancers"));

        // Same usage again: nothing more is charged, so the update is admitted.
        svc["metadata"]!["labels"] = new JsonObject { ["x"] = "y" };
        await h.Storage.UpdateAsync(h.Info("services"), "ns", "a", svc, "", WriteOptions.Default, TestContext.Current.CancellationToken);
        Assert.Equal("1", await UsedAsync(h, "lb", "services.loadbalancers"));
        Assert.Equal("1", await UsedAsync(h, "lb", "services"));

        await h.Storage.DeleteAsync(h.Info("services"), "ns", "a", null, WriteOptions.Default, TestContext.Current.CancellationToken);
        Assert.Equal("1", await UsedAsync(h, "lb", "services"));
    }

    [Fact]
    public async Task Create_LimitRangeDefaults_AreWhatQuotaCharges()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("limitranges", "ns", AdmissionHarness.SeedLimitRange);
        await h.CreateAsync("resourcequotas", "ns", AdmissionHarness.Quota("compute-resources",
            """{"requests.cpu":"20","requests.memory":"40Gi","limits.cpu":"40","limits.memory":"80Gi"}"""));

        await h.CreateAsync("pods", "ns", AdmissionHarness.Pod("web"));

        var quota = await h.GetAsync("resourcequotas", "ns", "compute-resources");
        Assert.Equal("""{"limits.cpu":"500m","limits.memory":"1Gi","requests.cpu":"250m","requests.memory":"512Mi"}""",
            quota["status"]!["used"]!.ToJsonString());
    }

    [Fact]
    public async Task Create_ComputeQuotaWithoutLimitRange_RequiresResources()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("resourcequotas", "ns", AdmissionHarness.Quota("compute", """{"limits.cpu":"4","requests.memory":"4Gi"}"""));

        var e = await Assert.ThrowsAsync<StatusException>(async () => await h.CreateAsync("pods", "ns", AdmissionHarness.Pod("web")));

        Assert.Equal("pods \"web\" is forbidden: failed quota: compute: must specify limits.cpu for: web; requests.memory for: web", e.Status.Message);
    }
}
