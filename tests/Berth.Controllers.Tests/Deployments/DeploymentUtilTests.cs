using Berth.Controllers.Deployments;
using k8s.Models;

namespace Berth.Controllers.Tests.Deployments;

public sealed class DeploymentUtilTests
{
    private static V1Deployment Deployment(int replicas, string surge, string unavailable, string type = "RollingUpdate") => new()
    {
        Metadata = new V1ObjectMeta { Name = "d", Generation = 1 },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Strategy = new V1DeploymentStrategy
            {
                Type = type,
                RollingUpdate = type == "RollingUpdate" ? new V1RollingUpdateDeployment { MaxSurge = surge, MaxUnavailable = unavailable } : null,
            },
        },
        Status = new V1DeploymentStatus(),
    };

    private static V1ReplicaSet Rs(string name, int replicas, int available = 0, string? maxReplicas = null, int ageMinutes = 0) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Uid = name,
            CreationTimestamp = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(-ageMinutes),
            Annotations = maxReplicas is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [DeploymentUtil.MaxReplicasAnnotation] = maxReplicas },
        },
        Spec = new V1ReplicaSetSpec { Replicas = replicas },
        Status = new V1ReplicaSetStatus { Replicas = replicas, AvailableReplicas = available },
    };

    [Theory]
    [InlineData(10, "25%", "25%", 3, 2)]
    [InlineData(10, "1", "0", 1, 0)]
    [InlineData(2, "1%", "1%", 1, 0)]
    [InlineData(1, "0%", "1%", 0, 1)]
    [InlineData(3, "0", "0%", 0, 1)]
    [InlineData(4, "50%", "50%", 2, 2)]
    public void ResolveFenceposts_SurgeRoundsUp_UnavailableRoundsDown_NeverBothZero(int desired, string surge, string unavailable, int expectSurge, int expectUnavailable) =>
        Assert.Equal((expectSurge, expectUnavailable), DeploymentUtil.ResolveFenceposts(surge, unavailable, desired));

    [Fact]
    public void MaxUnavailable_IsZeroForRecreateAndCappedAtReplicas()
    {
        Assert.Equal(0, DeploymentUtil.MaxUnavailable(Deployment(5, "", "", "Recreate")));
        Assert.Equal(2, DeploymentUtil.MaxUnavailable(Deployment(2, "0", "100%")));
        Assert.Equal(0, DeploymentUtil.MaxSurge(Deployment(5, "", "", "Recreate")));
    }

    [Fact]
    public void NewRSNewReplicas_ScalesUpWithinSurge_RecreateTakesAll()
    {
        var d = Deployment(10, "1", "0");
        var old = Rs("old", 10, 10);
        var fresh = Rs("new", 0);
        Assert.Equal(1, DeploymentUtil.NewRSNewReplicas(d, [old, fresh], fresh));
        // At the surge limit nothing more may be added.
        fresh.Spec.Replicas = 1;
        Assert.Equal(1, DeploymentUtil.NewRSNewReplicas(d, [old, fresh], fresh));
        old.Spec.Replicas = 9;
        Assert.Equal(2, DeploymentUtil.NewRSNewReplicas(d, [old, fresh], fresh));
        Assert.Equal(10, DeploymentUtil.NewRSNewReplicas(Deployment(10, "", "", "Recreate"), [old, fresh], fresh));
    }

    [Fact]
    public void GetProportion_ScalesByEachReplicaSetsShare()
    {
        // 10 → 20 replicas during a rollout with surge 3 (max 13 → 23): +10 spread by share of the annotated 13.
        var d = Deployment(20, "3", "2");
        var big = Rs("big", 8, maxReplicas: "13");
        var small = Rs("small", 5, maxReplicas: "13");
        var toAdd = 23 - 13;
        var first = DeploymentUtil.GetProportion(big, d, toAdd, 0);
        var second = DeploymentUtil.GetProportion(small, d, toAdd, first);
        Assert.Equal(6, first);
        Assert.Equal(4, second);
        Assert.Equal(0, DeploymentUtil.GetProportion(Rs("empty", 0), d, toAdd, 0));
    }

    [Fact]
    public void SetNewReplicaSetAnnotations_RaisesRevision_KeepsHistory_CopiesDeploymentAnnotations()
    {
        var d = Deployment(3, "1", "0");
        d.Metadata.Annotations = new Dictionary<string, string>
        {
            ["kubernetes.io/change-cause"] = "v3",
            [DeploymentUtil.RevisionAnnotation] = "9",
            ["kubectl.kubernetes.io/last-applied-configuration"] = "{}",
        };
        var rs = Rs("rs", 3);
        rs.Metadata.Annotations[DeploymentUtil.RevisionAnnotation] = "1";
        Assert.True(DeploymentUtil.SetNewReplicaSetAnnotations(d, rs, "3", exists: true));
        Assert.Equal("3", rs.Metadata.Annotations[DeploymentUtil.RevisionAnnotation]);
        Assert.Equal("1", rs.Metadata.Annotations[DeploymentUtil.RevisionHistoryAnnotation]);
        Assert.Equal("v3", rs.Metadata.Annotations["kubernetes.io/change-cause"]);
        Assert.False(rs.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/last-applied-configuration"));
        Assert.True(DeploymentUtil.SetNewReplicaSetAnnotations(d, rs, "5", exists: true));
        Assert.Equal("1,3", rs.Metadata.Annotations[DeploymentUtil.RevisionHistoryAnnotation]);
        // A lower revision never lowers it.
        Assert.False(DeploymentUtil.SetNewReplicaSetAnnotations(d, rs, "4", exists: true));

        var created = Rs("created", 0);
        DeploymentUtil.SetNewReplicaSetAnnotations(d, created, "1", exists: false);
        Assert.Equal("3", created.Metadata.Annotations[DeploymentUtil.DesiredReplicasAnnotation]);
        Assert.Equal("4", created.Metadata.Annotations[DeploymentUtil.MaxReplicasAnnotation]);
    }

    [Fact]
    public void LastRevision_IsTheSecondHighest()
    {
        var a = Rs("a", 0);
        a.Metadata.Annotations[DeploymentUtil.RevisionAnnotation] = "4";
        var b = Rs("b", 0);
        b.Metadata.Annotations[DeploymentUtil.RevisionAnnotation] = "7";
        var c = Rs("c", 0);
        c.Metadata.Annotations[DeploymentUtil.RevisionAnnotation] = "2";
        Assert.Equal(4, DeploymentUtil.LastRevision([a, b, c]));
        Assert.Equal(7, DeploymentUtil.MaxRevision([a, b, c]));
    }

    [Fact]
    public void DeploymentTimedOut_CountsFromTheLastProgress_NotAfterCompletion()
    {
        var d = Deployment(3, "1", "0");
        d.Spec.ProgressDeadlineSeconds = 60;
        var now = new DateTime(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        var status = new V1DeploymentStatus
        {
            Conditions = [DeploymentUtil.NewCondition(DeploymentUtil.Progressing, "True", DeploymentUtil.ReplicaSetUpdatedReason, "", now.AddSeconds(-61))],
        };
        Assert.True(DeploymentUtil.DeploymentTimedOut(d, status, now));
        Assert.False(DeploymentUtil.DeploymentTimedOut(d, status, now.AddSeconds(-2)));
        status.Conditions[0].Reason = DeploymentUtil.NewRSAvailableReason;
        Assert.False(DeploymentUtil.DeploymentTimedOut(d, status, now));
        d.Spec.ProgressDeadlineSeconds = int.MaxValue;
        status.Conditions[0].Reason = DeploymentUtil.ReplicaSetUpdatedReason;
        Assert.False(DeploymentUtil.DeploymentTimedOut(d, status, now));
    }

    [Fact]
    public void SetCondition_KeepsTransitionTimeWhileStatusHolds()
    {
        var t0 = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var status = new V1DeploymentStatus();
        DeploymentUtil.SetCondition(status, DeploymentUtil.NewCondition("Available", "True", "A", "", t0));
        DeploymentUtil.SetCondition(status, DeploymentUtil.NewCondition("Available", "True", "B", "", t0.AddHours(1)));
        var c = Assert.Single(status.Conditions);
        Assert.Equal(("B", t0), (c.Reason, c.LastTransitionTime));
        DeploymentUtil.SetCondition(status, DeploymentUtil.NewCondition("Available", "False", "C", "", t0.AddHours(2)));
        Assert.Equal(t0.AddHours(2), Assert.Single(status.Conditions).LastTransitionTime);
    }

    [Fact]
    public void FindActiveOrLatest_OneActive_OrNewestWhenNone_OrNullWhenSeveral()
    {
        var older = Rs("older", 0, ageMinutes: 10);
        var newer = Rs("newer", 0, ageMinutes: 1);
        Assert.Equal("newer", DeploymentUtil.FindActiveOrLatest(null, [older, newer])!.Metadata.Name);
        older.Spec.Replicas = 2;
        Assert.Equal("older", DeploymentUtil.FindActiveOrLatest(null, [older, newer])!.Metadata.Name);
        newer.Spec.Replicas = 1;
        Assert.Null(DeploymentUtil.FindActiveOrLatest(null, [older, newer]));
    }
}
