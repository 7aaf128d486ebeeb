using Berth.Controllers.CronJobs;
using Berth.Controllers.Tests.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Controllers.Tests.CronJobs;

/// <summary>The CronJob controller on virtual time: minutes pass by advancing the clock, not by waiting.</summary>
public sealed class CronJobControllerTests
{
    private static string CronJob(string spec) => """
        {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"tick"},
         "spec":{"schedule":"* * * * *",SPEC"jobTemplate":{"metadata":{"labels":{"from":"cron"}},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}}}
        """.Replace("SPEC", spec, StringComparison.Ordinal);

    private static async Task<(WorkloadKit Kit, FakeTimeProvider Time)> StartAsync(string spec)
    {
        var kit = await WorkloadKit.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        kit.Run(new CronJobController(kit.Informers, NullLogger<CronJobController>.Instance, time));
        await kit.CreateAsync<V1CronJob>("batch", "cronjobs", "ns", CronJob(spec));
        return (kit, time);
    }

    /// <summary>
    /// Polls while moving the clock forward <paramref name="step"/> per round: the controller's timers fire
    /// whenever virtual time passes them, however late it registered them.
    /// </summary>
    private static Task StepUntilAsync(FakeTimeProvider time, Func<Task<bool>> condition, string what, double step = 2) =>
        WorkloadKit.EventuallyAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(step));
            return await condition();
        }, what, TimeSpan.FromSeconds(30));

    private static async Task<List<V1Job>> JobsAsync(WorkloadKit kit) => await kit.ListAsync<V1Job>("batch", "jobs", "ns");

    private static Task<V1CronJob> CronJobAsync(WorkloadKit kit) => kit.GetAsync<V1CronJob>("batch", "cronjobs", "ns", "tick");

    private static Task CompleteAsync(WorkloadKit kit, V1Job job, DateTimeOffset at) =>
        kit.PatchAsync("batch", "jobs", "ns", job.Metadata.Name, """
            {"status":{"startTime":"START","completionTime":"END","succeeded":1,
              "conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}}
            """.Replace("START", at.AddSeconds(-5).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("END", at.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), "status");

    [Fact]
    public async Task Allow_CreatesOneJobPerScheduledMinute_NamedByTheMinute()
    {
        var (kit, time) = await StartAsync("\"concurrencyPolicy\":\"Allow\",");
        await using var _ = kit;
        await StepUntilAsync(time, async () => (await JobsAsync(kit)).Count == 2 && (await CronJobAsync(kit)).Status?.Active?.Count == 2, "two active jobs");
        var cj = await CronJobAsync(kit);
        var jobs = await JobsAsync(kit);
        var latest = new DateTimeOffset(DateTime.SpecifyKind(cj.Status.LastScheduleTime!.Value, DateTimeKind.Utc));
        Assert.Equal(0, latest.Second);
        Assert.Contains(jobs, j => j.Metadata.Name == $"tick-{latest.ToUnixTimeSeconds() / 60}");
        Assert.All(jobs, j =>
        {
            Assert.Equal("cron", j.Metadata.Labels["from"]);
            Assert.Equal(cj.Metadata.Uid, Assert.Single(j.Metadata.OwnerReferences).Uid);
            Assert.EndsWith(":00Z", j.Metadata.Annotations[CronJobUtil.ScheduledTimestampAnnotation], StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Forbid_SkipsWhileAJobRuns_ThenRecordsTheSuccessAndRunsTheSkippedStartLate()
    {
        var (kit, time) = await StartAsync("\"concurrencyPolicy\":\"Forbid\",\"successfulJobsHistoryLimit\":1,");
        await using var _ = kit;
        await StepUntilAsync(time, async () => (await JobsAsync(kit)).Count == 1, "the first job");
        await StepUntilAsync(time, async () => (await kit.ListAsync<Corev1Event>("", "events", "ns")).Any(e => e.Reason == "JobAlreadyActive"), "JobAlreadyActive");
        Assert.Single(await JobsAsync(kit));

        // The skipped start was not recorded as scheduled: once the first Job finishes it runs, late (as in kube).
        var first = (await JobsAsync(kit)).Single();
        await CompleteAsync(kit, first, time.GetUtcNow());
        await StepUntilAsync(time, async () =>
        {
            var cj = await CronJobAsync(kit);
            return cj.Status?.LastSuccessfulTime is not null && cj.Status.Active is [var only] && only.Uid != first.Metadata.Uid;
        }, "the success recorded and the skipped start run", step: 0.5);
        await kit.EventAsync("ns", e => e.Reason == "SawCompletedJob" && e.Message == $"Saw completed job: {first.Metadata.Name}, condition: Complete", "SawCompletedJob");

        // History: with a limit of one, a second success removes the first Job.
        var second = (await JobsAsync(kit)).Single(j => j.Metadata.Name != first.Metadata.Name);
        await CompleteAsync(kit, second, time.GetUtcNow());
        await StepUntilAsync(time, async () => (await JobsAsync(kit)).All(j => j.Metadata.Name != first.Metadata.Name), "the oldest success deleted", step: 0.5);
    }

    [Fact]
    public async Task Replace_DeletesTheRunningJobForTheNextOne()
    {
        var (kit, time) = await StartAsync("\"concurrencyPolicy\":\"Replace\",");
        await using var _ = kit;
        await StepUntilAsync(time, async () => (await JobsAsync(kit)).Count == 1, "the first job");
        var first = (await JobsAsync(kit)).Single();
        await StepUntilAsync(time, async () =>
        {
            var jobs = (await JobsAsync(kit)).Where(j => j.Metadata.DeletionTimestamp is null).ToList();
            return jobs.Count == 1 && jobs[0].Metadata.Name != first.Metadata.Name
                && (await CronJobAsync(kit)).Status?.Active is [var only] && only.Uid == jobs[0].Metadata.Uid;
        }, "the first job replaced");
        await kit.EventAsync("ns", e => e.Reason == "SuccessfulDelete" && e.Message == $"Deleted job {first.Metadata.Name}", "SuccessfulDelete");
    }

    [Fact]
    public async Task StartingDeadline_MissedStartsAreNotRun_SuspendStopsScheduling()
    {
        var (kit, time) = await StartAsync("\"startingDeadlineSeconds\":5,\"suspend\":true,");
        await using var _ = kit;
        // Suspended through two minutes: nothing runs.
        var now = time.GetUtcNow();
        time.Advance(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(2).AddSeconds(10) - now);
        var missed = time.GetUtcNow().AddSeconds(-10);
        Assert.Empty(await JobsAsync(kit));
        // Resumed ten seconds after a minute: that start is five seconds too late and never runs; the next one does.
        await kit.PatchAsync("batch", "cronjobs", "ns", "tick", """{"spec":{"suspend":false}}""");
        await StepUntilAsync(time, async () => (await JobsAsync(kit)).Count == 1, "a job started in time", step: 1);
        Assert.Equal($"tick-{missed.ToUnixTimeSeconds() / 60 + 1}", (await JobsAsync(kit)).Single().Metadata.Name);
    }
}
