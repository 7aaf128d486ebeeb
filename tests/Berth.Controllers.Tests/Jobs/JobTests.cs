using Berth.Controllers.Jobs;
using Berth.Controllers.Tests.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Controllers.Tests.Jobs;

public sealed class IndexedCompletionTests
{
    [Theory]
    [InlineData("", 5, "")]
    [InlineData("0,1,2", 5, "0-2")]
    [InlineData("3,1", 5, "1,3")]
    [InlineData("1-2,4-7", 6, "1,2,4,5")]
    [InlineData("0-3,2-4,9", 10, "0-4,9")]
    public void ParseThenFormat_NormalizesIntervalsWithinCompletions(string text, int completions, string expected) =>
        Assert.Equal(expected, IndexedCompletion.Format(IndexedCompletion.Parse(text, completions)));

    [Fact]
    public void With_MergesNewIndexes_TotalCounts()
    {
        var merged = IndexedCompletion.With(IndexedCompletion.Parse("0,2", 10), [1, 5, 6, 7]);
        Assert.Equal("0-2,5-7", IndexedCompletion.Format(merged));
        Assert.Equal(6, IndexedCompletion.Total(merged));
        Assert.True(IndexedCompletion.Has(merged, 6));
        Assert.False(IndexedCompletion.Has(merged, 3));
    }

    private static V1Pod Pod(int index, bool ready = false) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "p" + index + (ready ? "r" : ""),
            Annotations = index < 0 ? null : new Dictionary<string, string> { [IndexedCompletion.IndexAnnotation] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        },
        Spec = new V1PodSpec { NodeName = "n" },
        Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    [Fact]
    public void FirstPending_SkipsSucceededAndRunningIndexes()
    {
        var succeeded = IndexedCompletion.Parse("0,3", 6);
        Assert.Equal([2, 4], IndexedCompletion.FirstPending(succeeded, [Pod(1)], 2, 6));
        Assert.Equal([2, 4, 5], IndexedCompletion.FirstPending(succeeded, [Pod(1)], 10, 6));
    }

    [Fact]
    public void Duplicates_KeepsTheMostAdvancedPodPerIndex_RemovesInvalidIndexes()
    {
        var (remove, keep) = IndexedCompletion.Duplicates([Pod(1), Pod(1, ready: true), Pod(-1), Pod(9), Pod(2)], 5);
        Assert.Equal(["p-1", "p1", "p9"], remove.Select(p => p.Metadata.Name).Order());
        Assert.Equal(["p1r", "p2"], keep.Select(p => p.Metadata.Name).Order());
    }

    [Fact]
    public void MatchSuccessPolicy_IndexesOrCount()
    {
        var policy = new V1SuccessPolicy
        {
            Rules =
            [
                new V1SuccessPolicyRule { SucceededIndexes = "0-2", SucceededCount = 2 },
                new V1SuccessPolicyRule { SucceededCount = 4 },
            ],
        };
        Assert.Equal((true, "Matched rules at index 0"), IndexedCompletion.MatchSuccessPolicy(policy, 10, IndexedCompletion.Parse("0,2", 10)));
        Assert.Equal((false, ""), IndexedCompletion.MatchSuccessPolicy(policy, 10, IndexedCompletion.Parse("0,5,6", 10)));
        Assert.Equal((true, "Matched rules at index 1"), IndexedCompletion.MatchSuccessPolicy(policy, 10, IndexedCompletion.Parse("0,5-7", 10)));
    }

    [Fact]
    public void GenerateName_KeepsTheIndexWithinALabel()
    {
        Assert.Equal("job-3-", IndexedCompletion.GenerateName("job", 3));
        var name = IndexedCompletion.GenerateName(new string('j', 70), 12);
        Assert.Equal(63, name.Length);
        Assert.EndsWith("-12-", name, StringComparison.Ordinal);
    }
}

public sealed class JobUtilTests
{
    private static readonly DateTime T0 = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static V1Pod Finished(string phase, DateTime at) => new()
    {
        Metadata = new V1ObjectMeta { Name = phase + at.Ticks },
        Status = new V1PodStatus
        {
            Phase = phase,
            ContainerStatuses = [new V1ContainerStatus { Name = "c", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, FinishedAt = at } } }],
        },
    };

    [Fact]
    public void Backoff_DoublesFromTenSecondsPerFailureSinceTheLastSuccess_CappedAtSixMinutes()
    {
        var r = BackoffRecordFor([], [Finished("Failed", T0)]);
        Assert.Equal(TimeSpan.FromSeconds(10), r.Remaining(T0));
        Assert.Equal(TimeSpan.FromSeconds(4), r.Remaining(T0.AddSeconds(6)));
        r = r.With([], [Finished("Failed", T0.AddSeconds(10)), Finished("Failed", T0.AddSeconds(20))]);
        Assert.Equal(TimeSpan.FromSeconds(40), r.Remaining(T0.AddSeconds(20)));
        r = r.With([Finished("Succeeded", T0.AddSeconds(30))], [Finished("Failed", T0.AddSeconds(25))]);
        Assert.Equal(TimeSpan.Zero, r.Remaining(T0.AddSeconds(30)));
        var many = Enumerable.Range(0, 12).Select(i => Finished("Failed", T0.AddSeconds(i))).ToList();
        Assert.Equal(TimeSpan.FromMinutes(6) - TimeSpan.FromSeconds(11), BackoffRecordFor([], many).Remaining(T0.AddSeconds(22)));
    }

    private static BackoffRecord BackoffRecordFor(List<V1Pod> succeeded, List<V1Pod> failed) => BackoffRecord.Empty.With(succeeded, failed);

    [Fact]
    public void IsPodFailed_CountsDeletedUnfinishedPodsUnlessOnlyFailedPodsAreReplaced()
    {
        var job = new V1Job { Spec = new V1JobSpec() };
        var deleting = new V1Pod { Metadata = new V1ObjectMeta { DeletionTimestamp = T0 }, Status = new V1PodStatus { Phase = "Running" } };
        Assert.True(JobUtil.IsPodFailed(deleting, job));
        job.Spec.PodReplacementPolicy = "Failed";
        Assert.False(JobUtil.IsPodFailed(deleting, job));
        Assert.True(JobUtil.IsPodFailed(Finished("Failed", T0), job));
    }

    [Fact]
    public void MatchPodFailurePolicy_FailJobOnExitCode_IgnoreOnCondition()
    {
        var policy = new V1PodFailurePolicy
        {
            Rules =
            [
                new V1PodFailurePolicyRule { Action = "FailJob", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [1] } },
                new V1PodFailurePolicyRule { Action = "Ignore", OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }] },
            ],
        };
        var (message, count, action) = JobUtil.MatchPodFailurePolicy(policy, Finished("Failed", T0));
        Assert.Equal(("FailJob", true), (action, count));
        Assert.Contains("failed with exit code 1 matching FailJob rule at index 0", message, StringComparison.Ordinal);
        var disrupted = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "d" },
            Status = new V1PodStatus { Phase = "Failed", Conditions = [new V1PodCondition { Type = "DisruptionTarget", Status = "True" }] },
        };
        Assert.Equal((null, false, "Ignore"), JobUtil.MatchPodFailurePolicy(policy, disrupted));
    }
}

public sealed class JobControllerTests
{
    private static string Job(string spec) => """
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"work"},
         "spec":{SPEC"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}
        """.Replace("SPEC", spec, StringComparison.Ordinal);

    private static async Task<(WorkloadKit Kit, FakeTimeProvider Time)> StartAsync()
    {
        var kit = await WorkloadKit.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        kit.Run(new JobController(kit.Informers, NullLogger<JobController>.Instance, time));
        return (kit, time);
    }

    /// <summary>Polls, moving the controller's clock past its pod-event batching on each round.</summary>
    private static Task EventuallyAsync(FakeTimeProvider time, Func<Task<bool>> condition, string what) =>
        WorkloadKit.EventuallyAsync(async () =>
        {
            time.Advance(TimeSpan.FromMilliseconds(600));
            return await condition();
        }, what);

    private static Task<V1Job> JobAsync(WorkloadKit kit) => kit.GetAsync<V1Job>("batch", "jobs", "ns", "work");

    [Fact]
    public async Task Completions_HoldsPodsWithTheTrackingFinalizer_CountsOnce_ThenCompletes()
    {
        var (kit, time) = await StartAsync();
        await using var _ = kit;
        await kit.CreateAsync<V1Job>("batch", "jobs", "ns", Job("\"completions\":3,\"parallelism\":2,"));
        await EventuallyAsync(time, async () => (await kit.PodsAsync("ns")).Count == 2, "2 pods");
        var pods = await kit.PodsAsync("ns");
        Assert.All(pods, p => Assert.Contains(JobUtil.TrackingFinalizer, p.Metadata.Finalizers));
        await EventuallyAsync(time, async () => (await JobAsync(kit)).Status?.Active == 2, "active 2");

        foreach (var p in pods)
        {
            await kit.SetPodStatusAsync(p, "Succeeded", ready: false, readySince: time.GetUtcNow().UtcDateTime, exitCode: 0);
        }
        await EventuallyAsync(time, async () => (await JobAsync(kit)).Status?.Succeeded == 2, "2 succeeded");
        // Counted pods lose their finalizer; the third completion gets a pod.
        Assert.All(pods, p => Assert.DoesNotContain(JobUtil.TrackingFinalizer, kit.GetAsync<V1Pod>("", "pods", "ns", p.Metadata.Name).Result.Metadata.Finalizers ?? []));
        await EventuallyAsync(time, async () => (await kit.PodsAsync("ns")).Count(p => p.Status?.Phase != "Succeeded") == 1, "the third pod");
        var third = (await kit.PodsAsync("ns")).Single(p => p.Status?.Phase != "Succeeded");
        await kit.SetPodStatusAsync(third, "Succeeded", ready: false, readySince: time.GetUtcNow().UtcDateTime, exitCode: 0);

        await EventuallyAsync(time, async () => (await JobAsync(kit)).Status?.Conditions?.Any(c => c.Type == "Complete") == true, "Complete");
        var job = await JobAsync(kit);
        Assert.Equal((3, 0, 0), (job.Status.Succeeded, job.Status.Failed ?? 0, job.Status.Active ?? 0));
        Assert.Equal(["SuccessCriteriaMet", "Complete"], job.Status.Conditions.Select(c => c.Type));
        Assert.NotNull(job.Status.CompletionTime);
        Assert.Empty(job.Status.UncountedTerminatedPods?.Succeeded ?? []);
    }

    [Fact]
    public async Task Failures_WaitOutTheBackoff_ThenFailTheJobPastBackoffLimit()
    {
        var (kit, time) = await StartAsync();
        await using var _ = kit;
        await kit.CreateAsync<V1Job>("batch", "jobs", "ns", Job("\"backoffLimit\":1,"));
        await EventuallyAsync(time, async () => (await kit.PodsAsync("ns")).Count == 1, "a pod");
        var first = (await kit.PodsAsync("ns")).Single();
        await kit.SetPodStatusAsync(first, "Failed", ready: false, readySince: time.GetUtcNow().UtcDateTime, exitCode: 1);
        await EventuallyAsync(time, async () => (await JobAsync(kit)).Status?.Failed == 1, "failed 1");
        // The replacement waits ten seconds after the failure.
        Assert.Single(await kit.ListAsync<V1Pod>("", "pods", "ns"));
        time.Advance(TimeSpan.FromSeconds(10));
        await EventuallyAsync(time, async () => (await kit.ListAsync<V1Pod>("", "pods", "ns")).Count == 2, "the replacement pod");
        var second = (await kit.PodsAsync("ns")).Single(p => p.Metadata.Uid != first.Metadata.Uid);
        await kit.SetPodStatusAsync(second, "Failed", ready: false, readySince: time.GetUtcNow().UtcDateTime, exitCode: 1);

        await EventuallyAsync(time, async () => (await JobAsync(kit)).Status?.Conditions?.Any(c => c.Type == "Failed") == true, "Failed");
        var job = await JobAsync(kit);
        Assert.Equal(2, job.Status.Failed);
        Assert.Equal(["FailureTarget", "Failed"], job.Status.Conditions.Select(c => c.Type));
        Assert.All(job.Status.Conditions, c => Assert.Equal("BackoffLimitExceeded", c.Reason));
        Assert.Null(job.Status.CompletionTime);
        await kit.EventAsync("ns", e => e.Reason == "BackoffLimitExceeded" && e.Type == "Warning", "the BackoffLimitExceeded event");
    }

    [Fact]
    public async Task Suspend_DeletesActivePods_ResumeRestartsThemAndTheClock()
    {
        var (kit, time) = await StartAsync();
        await using var _ = kit;
        await kit.CreateAsync<V1Job>("batch", "jobs", "ns", Job("\"parallelism\":2,\"completions\":4,"));
        await EventuallyAsync(time, async () => (await kit.PodsAsync("ns")).Count == 2 && (await JobAsync(kit)).Status?.Active == 2, "2 active pods");
        var started = (await JobAsync(kit)).Status.StartTime;
        await kit.PatchAsync("batch", "jobs", "ns", "work", """{"spec":{"suspend":true}}""");
        await EventuallyAsync(time, async () => (await kit.PodsAsync("ns")).Count == 0
            && (await JobAsync(kit)).Status?.Conditions?.Any(c => c.Type == "Suspended" && c.Status == "True") == true, "suspended, no pods");
        time.Advance(TimeSpan.FromMinutes(1));
        await kit.PatchAsync("batch", "jobs", "ns", "work", """{"spec":{"suspend":false}}""");
        await EventuallyAsync(time, async () => (await kit.PodsAsync("ns")).Count == 2
            && (await JobAsync(kit)).Status?.Conditions?.Any(c => c.Type == "Suspended" && c.Status == "False" && c.Reason == "JobResumed") == true, "resumed");
        Assert.True((await JobAsync(kit)).Status.StartTime > started);
    }

    [Fact]
    public async Task Indexed_CreatesOnePodPerIndex_ReportsCompletedIndexes()
    {
        var (kit, time) = await StartAsync();
        await using var _ = kit;
        await kit.CreateAsync<V1Job>("batch", "jobs", "ns", Job("\"completions\":3,\"parallelism\":3,\"completionMode\":\"Indexed\","));
        await EventuallyAsync(time, async () => (await kit.PodsAsync("ns")).Count == 3, "3 pods");
        var pods = await kit.PodsAsync("ns");
        Assert.Equal(["0", "1", "2"], pods.Select(p => p.Metadata.Annotations[IndexedCompletion.IndexAnnotation]).Order());
        await kit.SetPodStatusAsync(pods.Single(p => p.Metadata.Annotations[IndexedCompletion.IndexAnnotation] == "1"), "Succeeded", ready: false, exitCode: 0);
        await EventuallyAsync(time, async () => (await JobAsync(kit)).Status?.CompletedIndexes == "1", "index 1 completed");
        var failed = pods.Single(p => p.Metadata.Annotations[IndexedCompletion.IndexAnnotation] == "2");
        await kit.SetPodStatusAsync(failed, "Failed", ready: false, readySince: time.GetUtcNow().UtcDateTime, exitCode: 1);
        time.Advance(TimeSpan.FromSeconds(11));
        // Index 2 is retried by a new pod with the same index.
        await EventuallyAsync(time, async () => (await kit.ListAsync<V1Pod>("", "pods", "ns")).Count(p =>
            p.Metadata.Annotations[IndexedCompletion.IndexAnnotation] == "2") == 2, "a retry of index 2");
    }
}
