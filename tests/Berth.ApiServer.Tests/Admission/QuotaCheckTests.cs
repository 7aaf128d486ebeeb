using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Quantities;
using Berth.Api.Quota;
using Berth.ApiServer.Admission;
using k8s.Models;

namespace Berth.ApiServer.Tests.Admission;

public sealed class QuotaCheckTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private readonly QuotaRegistry _registry = new();

    private static Dictionary<string, ResourceQuantity> L(string json) => ResourceLists.FromJson(JsonNode.Parse(json));

    private static QuotaState Quota(string name, string hard, string used, params string[] scopes) =>
        new(name, L(hard), QuotaUsage.Scopes(new V1ResourceQuotaSpec { Scopes = scopes }), L(used));

    private object Pod(string resources, string extra = "") => _registry.Get("", "pods").Decode(JsonNode.Parse(
        "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"x\",\"resources\":" + resources + "}]" + extra + "}}")!.AsObject());

    private static string Cpu(string cpu) =>
        "{\"requests\":{\"cpu\":\"" + cpu + "\",\"memory\":\"1Gi\"},\"limits\":{\"cpu\":\"" + cpu + "\",\"memory\":\"1Gi\"}}";

    private Dictionary<int, Dictionary<string, ResourceQuantity>> Check(IReadOnlyList<QuotaState> quotas, string operation, object item, object? old = null) =>
        QuotaCheck.Check(quotas, _registry.Get("", "pods"), new QuotaSubject("pods", "", "p", operation, item, old), Now);

    [Fact]
    public void Check_WithinQuota_ReturnsNewUsage()
    {
        var charges = Check([Quota("compute", """{"requests.cpu":"20","pods":"10"}""", """{"requests.cpu":"17","pods":"3"}""")], "CREATE", Pod(Cpu("2")));
        Assert.Equal("pods=4,requests.cpu=19", ResourceLists.PrettyPrint(charges[0]));
    }

    [Fact]
    public void Check_OverQuota_ForbiddenWithKubesMessage()
    {
        var e = Assert.Throws<StatusException>(() =>
            Check([Quota("compute-resources", """{"requests.cpu":"20","requests.memory":"40Gi"}""", """{"requests.cpu":"19","requests.memory":"1Gi"}""")],
                "CREATE", Pod(Cpu("2"))));
        Assert.Equal(403, e.Code);
        Assert.Equal("pods \"p\" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=2, used: requests.cpu=19, limited: requests.cpu=20",
            e.Status.Message);
    }

    [Fact]
    public void Check_SeveralExceeded_PrintsEachSorted()
    {
        var e = Assert.Throws<StatusException>(() =>
            Check([Quota("q", """{"requests.cpu":"1","limits.memory":"1Gi","pods":"5"}""", """{"requests.cpu":"0","limits.memory":"512Mi","pods":"0"}""")],
                "CREATE", Pod(Cpu("2"))));
        Assert.EndsWith("exceeded quota: q, requested: limits.memory=1Gi,requests.cpu=2, used: limits.memory=512Mi,requests.cpu=0, limited: limits.memory=1Gi,requests.cpu=1",
            e.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ComputeQuotaPodWithoutLimits_FailedQuotaMustSpecify()
    {
        var e = Assert.Throws<StatusException>(() =>
            Check([Quota("compute", """{"limits.cpu":"4","limits.memory":"4Gi","requests.cpu":"4"}""", """{"limits.cpu":"0","limits.memory":"0","requests.cpu":"0"}""")],
                "CREATE", Pod("""{"requests":{"cpu":"1"}}""")));
        Assert.Equal("pods \"p\" is forbidden: failed quota: compute: must specify limits.cpu for: web; limits.memory for: web", e.Status.Message);
    }

    [Fact]
    public void Check_UsageNotComputed_StatusUnknown()
    {
        var e = Assert.Throws<StatusException>(() => Check([Quota("q", """{"pods":"5","requests.cpu":"1"}""", """{"pods":"1"}""")], "CREATE", Pod(Cpu("1"))));
        Assert.EndsWith("status unknown for quota: q, resources: requests.cpu", e.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_QuotaOutOfScopeOrUnrelated_ChargesNothing()
    {
        var charges = Check(
        [
            Quota("best-effort", """{"pods":"1"}""", """{"pods":"1"}""", "BestEffort"),
            Quota("services", """{"services":"1"}""", """{"services":"1"}"""),
        ], "CREATE", Pod(Cpu("1")));
        Assert.Empty(charges);
    }

    [Fact]
    public void Check_UpdateEnteringScope_ChargedInFull_UpdateInScope_ChargedByGrowth()
    {
        var quota = Quota("terminating", """{"pods":"2","requests.cpu":"2"}""", """{"pods":"1","requests.cpu":"1"}""", "Terminating");
        var before = Pod(Cpu("1"));
        var after = Pod(Cpu("1"), ",\"activeDeadlineSeconds\":60");
        var entering = Check([quota], "UPDATE", after, before);
        Assert.Equal("pods=2,requests.cpu=2", ResourceLists.PrettyPrint(entering[0]));
        var unchanged = Check([quota], "UPDATE", after, after);
        Assert.Empty(unchanged);
    }
}
