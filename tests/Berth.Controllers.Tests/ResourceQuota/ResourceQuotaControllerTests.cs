using System.Text;
using System.Text.Json.Nodes;
using Berth.Client;
using Berth.Controllers.ResourceQuota;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Controllers.Tests.ResourceQuota;

public sealed class ResourceQuotaControllerTests
{
    private static string Pod(string name, string cpu) => $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"},
         "spec":{"containers":[{"name":"web","image":"nginx","resources":{"requests":{"cpu":"{{{cpu}}}"},"limits":{"cpu":"{{{cpu}}}"} } }]} }
        """;

    private static string Quota(string name, string hard, string extraSpec = "") => $$$"""
        {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"{{{name}}}"},"spec":{"hard":{{{hard}}}{{{extraSpec}}}}}
        """;

    private static async Task<string> StatusAsync(ControlPlaneHarness h, string ns, string quota) =>
        (await h.GetAsync("resourcequotas", ns, quota))["status"]?.ToJsonString() ?? "(none)";

    private static Task UsedBecomesAsync(ControlPlaneHarness h, string ns, string quota, string usedJson) =>
        ControlPlaneHarness.EventuallyAsync(
            async () => (await h.GetAsync("resourcequotas", ns, quota))["status"]?["used"]?.ToJsonString() == usedJson,
            () => StatusAsync(h, ns, quota));

    private static ResourceQuotaController Controller(ControlPlaneHarness h, TimeProvider? time = null) =>
        new(h.Client, NullLogger<ResourceQuotaController>.Instance, time);

    [Fact]
    public async Task Sync_NewQuota_CountsObjectsThatExistedBefore()
    {
        await using var h = await ControlPlaneHarness.StartAsync();
        await h.CreateAsync("pods", "ns", Pod("a", "250m"));
        await h.CreateAsync("pods", "ns", Pod("b", "1"));
        await h.CreateAsync("pods", "other", Pod("c", "4"));
        await h.CreateAsync("services", "ns", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"type":"NodePort","ports":[{"name":"http","port":80},{"name":"https","port":443}]}}
            """);
        await h.CreateAsync("configmaps", "ns", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}""");
        await h.CreateAsync("deployments", "ns", """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},
             "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}
            """, "apps");
        h.Run(Controller(h));

        await h.CreateAsync("resourcequotas", "ns", Quota("all", """
            {"pods":"10","requests.cpu":"20","limits.cpu":"40","services.nodeports":"10","configmaps":"5","count/deployments.apps":"2","count/secrets":"3"}
            """));

        await UsedBecomesAsync(h, "ns", "all",
            """{"configmaps":"1","count/deployments.apps":"1","count/secrets":"0","limits.cpu":"1250m","pods":"2","requests.cpu":"1250m","services.nodeports":"2"}""");
        var status = (await h.GetAsync("resourcequotas", "ns", "all"))["status"]!;
        Assert.Equal("""{"configmaps":"5","count/deployments.apps":"2","count/secrets":"3","limits.cpu":"40","pods":"10","requests.cpu":"20","services.nodeports":"10"}""",
            status["hard"]!.ToJsonString());
    }

    [Fact]
    public async Task Delete_Pod_FreesItsUsage()
    {
        await using var h = await ControlPlaneHarness.StartAsync();
        h.Run(Controller(h));
        await h.CreateAsync("resourcequotas", "ns", Quota("compute", """{"pods":"3","requests.cpu":"2"}"""));
        await UsedBecomesAsync(h, "ns", "compute", """{"pods":"0","requests.cpu":"0"}""");
        await h.CreateAsync("pods", "ns", Pod("a", "1"));
        await h.CreateAsync("pods", "ns", Pod("b", "1"));
        Assert.Equal("""{"pods":"2","requests.cpu":"2"}""", (await h.GetAsync("resourcequotas", "ns", "compute"))["status"]!["used"]!.ToJsonString());

        await h.Client.DeleteAsync(h.Info("pods"), "ns", "a", cancellationToken: TestContext.Current.CancellationToken);

        await UsedBecomesAsync(h, "ns", "compute", """{"pods":"1","requests.cpu":"1"}""");
        await h.CreateAsync("pods", "ns", Pod("c", "1"));
    }

    [Fact]
    public async Task Update_PodSucceeded_FreesComputeButStillCountsTheObject()
    {
        await using var h = await ControlPlaneHarness.StartAsync();
        h.Run(Controller(h));
        await h.CreateAsync("resourcequotas", "ns", Quota("compute", """{"pods":"3","count/pods":"3","requests.cpu":"2"}"""));
        await UsedBecomesAsync(h, "ns", "compute", """{"count/pods":"0","pods":"0","requests.cpu":"0"}""");
        await h.CreateAsync("pods", "ns", Pod("job", "1"));

        await h.Client.PatchAsync(h.Info("pods"), "ns", "job", PatchKind.Merge, Encoding.UTF8.GetBytes("""{"status":{"phase":"Succeeded"}}"""),
            "status", TestContext.Current.CancellationToken);

        await UsedBecomesAsync(h, "ns", "compute", """{"count/pods":"1","pods":"0","requests.cpu":"0"}""");
    }

    [Fact]
    public async Task Update_SpecHard_StatusFollowsAndNewResourceIsCounted()
    {
        await using var h = await ControlPlaneHarness.StartAsync();
        h.Run(Controller(h));
        await h.CreateAsync("configmaps", "ns", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}""");
        await h.CreateAsync("resourcequotas", "ns", Quota("q", """{"pods":"3"}"""));
        await UsedBecomesAsync(h, "ns", "q", """{"pods":"0"}""");

        await h.Client.PatchAsync(h.Info("resourcequotas"), "ns", "q", PatchKind.Merge,
            Encoding.UTF8.GetBytes("""{"spec":{"hard":{"pods":"5","count/configmaps":"4"}}}"""), cancellationToken: TestContext.Current.CancellationToken);

        await UsedBecomesAsync(h, "ns", "q", """{"count/configmaps":"1","pods":"0"}""");
        Assert.Equal("""{"count/configmaps":"4","pods":"5"}""", (await h.GetAsync("resourcequotas", "ns", "q"))["status"]!["hard"]!.ToJsonString());
    }

    [Fact]
    public async Task Sync_ScopedQuota_CountsOnlyPodsInScope()
    {
        await using var h = await ControlPlaneHarness.StartAsync();
        await h.CreateAsync("pods", "ns", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"be"},"spec":{"containers":[{"name":"c","image":"x"}]}}""");
        await h.CreateAsync("pods", "ns", Pod("burstable", "1"));
        h.Run(Controller(h));

        await h.CreateAsync("resourcequotas", "ns", Quota("best-effort", """{"pods":"5"}""", ""","scopes":["BestEffort"]"""));
        await h.CreateAsync("resourcequotas", "ns", Quota("not-best-effort", """{"pods":"5"}""",
            ""","scopeSelector":{"matchExpressions":[{"scopeName":"NotBestEffort","operator":"Exists"}]}"""));

        await UsedBecomesAsync(h, "ns", "best-effort", """{"pods":"1"}""");
        await UsedBecomesAsync(h, "ns", "not-best-effort", """{"pods":"1"}""");
    }

    [Fact]
    public async Task Resync_OverchargedStatus_CorrectedFromObjects()
    {
        await using var h = await ControlPlaneHarness.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        h.Run(Controller(h, time));
        await h.CreateAsync("resourcequotas", "ns", Quota("q", """{"pods":"3"}"""));
        await UsedBecomesAsync(h, "ns", "q", """{"pods":"0"}""");

        // A charge for a create that then failed: status-only writes do not trigger a recount…
        var quota = await h.GetAsync("resourcequotas", "ns", "q");
        quota["status"]!["used"] = new JsonObject { ["pods"] = "2" };
        await h.Client.UpdateAsync(h.Info("resourcequotas"), quota, "status", TestContext.Current.CancellationToken);

        // …the periodic resync does.
        await ControlPlaneHarness.EventuallyAsync(async () =>
        {
            time.Advance(TimeSpan.FromMinutes(5));
            return (await h.GetAsync("resourcequotas", "ns", "q"))["status"]?["used"]?["pods"]?.GetValue<string>() == "0";
        }, () => StatusAsync(h, "ns", "q"));
    }
}
