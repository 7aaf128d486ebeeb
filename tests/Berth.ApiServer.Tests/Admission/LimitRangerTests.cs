using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.ApiServer.Admission;

namespace Berth.ApiServer.Tests.Admission;

public sealed class LimitRangerTests
{
    [Fact]
    public async Task Create_PodWithoutResources_GetsLimitRangeDefaults()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("limitranges", "ns", AdmissionHarness.SeedLimitRange);

        var pod = await h.CreateAsync("pods", "ns", AdmissionHarness.Pod("web"));

        Assert.Equal("""{"limits":{"cpu":"500m","memory":"1Gi"},"requests":{"cpu":"250m","memory":"512Mi"}}""",
            pod["spec"]!["containers"]![0]!["resources"]!.ToJsonString());
        var stored = await h.GetAsync("pods", "ns", "web");
        Assert.Equal("LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web",
            stored["metadata"]!["annotations"]![LimitRangeRules.Annotation]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_PodOverMax_ForbiddenAndNotStored()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("limitranges", "ns", AdmissionHarness.SeedLimitRange);

        var e = await Assert.ThrowsAsync<StatusException>(async () => await h.CreateAsync("pods", "ns", AdmissionHarness.Pod("big",
            """{"requests":{"cpu":"50m","memory":"256Mi"},"limits":{"cpu":"1","memory":"8Gi"}}""")));

        Assert.Equal(403, e.Code);
        Assert.Equal("Forbidden", e.Status.Reason);
        Assert.Equal("pods \"big\" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, "
            + "maximum memory usage per Container is 4Gi, but limit is 8Gi]", e.Status.Message);
        await Assert.ThrowsAsync<StatusException>(async () => await h.GetAsync("pods", "ns", "big"));
    }

    [Fact]
    public async Task Create_OtherNamespace_LimitRangeDoesNotApply()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("limitranges", "ns", AdmissionHarness.SeedLimitRange);

        var pod = await h.CreateAsync("pods", "other", AdmissionHarness.Pod("web"));

        Assert.Null(pod["spec"]!["containers"]![0]!["resources"]);
    }

    [Fact]
    public async Task Create_ClaimAboveMax_Forbidden()
    {
        await using var h = await AdmissionHarness.StartAsync();
        await h.CreateAsync("limitranges", "ns", """
            {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"storage"},"spec":{"limits":[{"type":"PersistentVolumeClaim","max":{"storage":"10Gi"}}]}}
            """);

        var e = await Assert.ThrowsAsync<StatusException>(async () => await h.CreateAsync("persistentvolumeclaims", "ns", """
            {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},
             "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"20Gi"}}}}
            """));

        Assert.Equal("persistentvolumeclaims \"data\" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi",
            e.Status.Message);
    }
}
