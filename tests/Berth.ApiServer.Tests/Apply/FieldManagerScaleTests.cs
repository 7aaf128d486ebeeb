using System.Text.Json.Nodes;
using Berth.ApiServer.Apply;
using static Berth.ApiServer.Tests.Apply.ApplyTestData;

namespace Berth.ApiServer.Tests.Apply;

/// <summary>
/// Cost grows linearly with list length. Allocation is measured rather than time: it is deterministic on a
/// shared machine, and every walk here allocates per item, so quadratic work would show as quadratic bytes.
/// </summary>
public sealed class FieldManagerScaleTests
{
    private static JsonObject WithEnv(int count)
    {
        var d = NginxDeployment();
        var env = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            env.Add(new JsonObject { ["name"] = "VAR_" + i, ["value"] = "v" });
        }
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["env"] = env;
        return d;
    }

    private static (long Update, long Apply) Cost(int count)
    {
        var live = Stored(WithEnv(count));
        FieldManager.UpdateManagedFields(live, null, "creator", "apps/v1", Deployment, T0);
        live = Obj(live.ToJsonString());
        var edited = Obj(live.ToJsonString());
        edited["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]![count / 2]!["value"] = "changed";

        var before = GC.GetAllocatedBytesForCurrentThread();
        FieldManager.UpdateManagedFields(edited, live, "editor", "apps/v1", Deployment, T1);
        var update = GC.GetAllocatedBytesForCurrentThread() - before;

        var applied = WithEnv(count);
        var applyLive = Stored(FieldManager.Apply(null, applied, "applier", false, "apps/v1", Deployment, T0));
        applyLive = Obj(applyLive.ToJsonString());
        before = GC.GetAllocatedBytesForCurrentThread();
        FieldManager.Apply(applyLive, applied, "applier", false, "apps/v1", Deployment, T1);
        var apply = GC.GetAllocatedBytesForCurrentThread() - before;
        return (update, apply);
    }

    [Fact]
    public void UpdateAndApply_LongLists_CostGrowsLinearly()
    {
        Cost(100); // warm caches so both measurements see the same state
        var small = Cost(1000);
        var large = Cost(4000);

        // 4x the items: linear (plus sorting) stays well below 6x; quadratic would be 16x.
        Assert.InRange((double)large.Update / small.Update, 1, 6);
        Assert.InRange((double)large.Apply / small.Apply, 1, 6);
    }

    [Fact]
    public void UpdateManagedFields_TypicalDeployment_AllocatesLittle()
    {
        var live = Stored(NginxDeployment());
        FieldManager.UpdateManagedFields(live, null, "creator", "apps/v1", Deployment, T0);
        live = Obj(live.ToJsonString());
        var edited = Obj(live.ToJsonString().Replace("\"replicas\":3", "\"replicas\":4", StringComparison.Ordinal));
        FieldManager.UpdateManagedFields(Obj(edited.ToJsonString()), live, "editor", "apps/v1", Deployment, T1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        FieldManager.UpdateManagedFields(edited, live, "editor", "apps/v1", Deployment, T1);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // Reading a freshly parsed object materializes its nodes; our own work should stay within a few times that.
        Assert.InRange(bytes, 1, 64 * 1024);
    }
}
