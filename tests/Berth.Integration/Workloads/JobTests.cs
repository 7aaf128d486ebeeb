using k8s.Models;

namespace Berth.Integration.Workloads;

/// <summary>Jobs and CronJobs against a real server; pods finish through the simulated kubelet's run-seconds annotation.</summary>
[Collection(WorkloadCollection.Name)]
public sealed class JobTests(WorkloadFixture fx)
{
    private static string Job(string name, string spec, string annotations = "sim.berth.dev/run-seconds: \"0.3\"") => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{name}}
        spec:
        {{spec}}
          template:
            metadata:
              annotations:
                {{annotations}}
            spec:
              restartPolicy: Never
              containers:
              - name: work
                image: busybox:1.36
                command: ["sh", "-c", "echo done"]
        """;

    private Task<V1Job> JobAsync(string ns, string name) => fx.GetAsync<V1Job>("batch", "v1", "jobs", ns, name);

    private async Task<V1Job> WaitForConditionAsync(string ns, string name, string type)
    {
        await WorkloadFixture.WaitUntilAsync(async () => (await JobAsync(ns, name)).Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true,
            TimeSpan.FromSeconds(60), $"job {name} condition {type}");
        return await JobAsync(ns, name);
    }

    [Fact]
    public async Task Jobs_RunToCompletion_IndexedCountsIndexes_BackoffLimitAndDeadlineFail_TtlDeletes()
    {
        var ns = await fx.NamespaceAsync("job");
        (await fx.Kubectl.ApplyAsync(string.Join("\n---\n",
            Job("pi", "  completions: 3\n  parallelism: 2"),
            Job("indexed", "  completions: 3\n  parallelism: 3\n  completionMode: Indexed"),
            Job("fails", "  backoffLimit: 0", "sim.berth.dev/run-seconds: \"0.2\"\n        sim.berth.dev/exit-code: \"3\""),
            Job("slow", "  activeDeadlineSeconds: 2", "sim.berth.dev/run-seconds: \"600\""),
            Job("short-lived", "  ttlSecondsAfterFinished: 1")), "-n", ns)).Ok();

        // completions 3, parallelism 2: three pods succeed, never more than two at once.
        var maxActive = 0;
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var j = await JobAsync(ns, "pi");
            maxActive = Math.Max(maxActive, j.Status?.Active ?? 0);
            return j.Status?.Conditions?.Any(c => c.Type == "Complete") == true;
        }, TimeSpan.FromSeconds(60), "job pi to complete");
        Assert.InRange(maxActive, 1, 2);
        (await fx.Kubectl.RunAsync(["wait", "--for=condition=complete", "job/pi", "-n", ns, "--timeout=10s"], null, TimeSpan.FromSeconds(20))).Ok();
        var pi = await JobAsync(ns, "pi");
        Assert.Equal(3, pi.Status.Succeeded);
        Assert.Equal(0, pi.Status.Failed ?? 0);
        Assert.Equal(0, pi.Status.Active ?? 0);
        Assert.NotNull(pi.Status.StartTime);
        Assert.NotNull(pi.Status.CompletionTime);
        Assert.True(pi.Status.CompletionTime >= pi.Status.StartTime);
        Assert.Contains(pi.Status.Conditions, c => c.Type == "SuccessCriteriaMet" && c.Status == "True" && c.Reason == "CompletionsReached");
        Assert.Contains(pi.Status.Conditions, c => c.Type == "Complete" && c.Status == "True" && c.Reason == "CompletionsReached");
        Assert.Empty(pi.Status.UncountedTerminatedPods?.Succeeded ?? []);
        var piPods = await fx.ListAsync<V1Pod>("", "v1", "pods", ns, "batch.kubernetes.io/job-name=pi");
        Assert.Equal(3, piPods.Count);
        Assert.All(piPods, p =>
        {
            Assert.Equal("Succeeded", p.Status.Phase);
            Assert.DoesNotContain("batch.kubernetes.io/job-tracking", p.Metadata.Finalizers ?? []);
        });

        // Indexed: one pod per index, the index in an annotation, a label and the hostname.
        var indexed = await WaitForConditionAsync(ns, "indexed", "Complete");
        Assert.Equal("0-2", indexed.Status.CompletedIndexes);
        Assert.Equal(3, indexed.Status.Succeeded);
        var indexedPods = await fx.ListAsync<V1Pod>("", "v1", "pods", ns, "batch.kubernetes.io/job-name=indexed");
        Assert.Equal(["0", "1", "2"], indexedPods.Select(p => p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]).Order());
        Assert.All(indexedPods, p =>
        {
            var ix = p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"];
            Assert.Equal(ix, p.Metadata.Labels["batch.kubernetes.io/job-completion-index"]);
            Assert.Equal("indexed-" + ix, p.Spec.Hostname);
            Assert.StartsWith($"indexed-{ix}-", p.Metadata.Name, StringComparison.Ordinal);
            Assert.Contains(p.Spec.Containers[0].Env, e => e.Name == "JOB_COMPLETION_INDEX");
        });

        // backoffLimit 0: the first failure fails the Job.
        var fails = await WaitForConditionAsync(ns, "fails", "Failed");
        Assert.Equal(1, fails.Status.Failed);
        Assert.Contains(fails.Status.Conditions, c => c.Type == "FailureTarget" && c.Reason == "BackoffLimitExceeded");
        Assert.Contains(fails.Status.Conditions, c => c.Type == "Failed" && c.Reason == "BackoffLimitExceeded" && c.Message == "Job has reached the specified backoff limit");
        Assert.Null(fails.Status.CompletionTime);

        // activeDeadlineSeconds: the running pod is deleted and the Job fails.
        var slow = await WaitForConditionAsync(ns, "slow", "Failed");
        Assert.Contains(slow.Status.Conditions, c => c.Type == "Failed" && c.Reason == "DeadlineExceeded");
        Assert.Equal(0, slow.Status.Active ?? 0);
        Assert.Equal(1, slow.Status.Failed);
        await WorkloadFixture.WaitUntilAsync(async () => (await fx.ListAsync<V1Pod>("", "v1", "pods", ns, "batch.kubernetes.io/job-name=slow")).Count == 0,
            TimeSpan.FromSeconds(30), "the slow job's pod to go");

        // ttlSecondsAfterFinished: gone a second after it completed.
        await WorkloadFixture.WaitUntilAsync(async () =>
            !(await fx.ListAsync<V1Job>("batch", "v1", "jobs", ns)).Any(j => j.Metadata.Name == "short-lived"), TimeSpan.FromSeconds(30), "the TTL deletion");

        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var events = await fx.Kubectl.RunAsync("get", "events", "-n", ns, "--field-selector", "involvedObject.name=pi", "-o", "custom-columns=R:.reason,M:.message", "--no-headers");
            return events.Ok().Stdout.Contains("Completed", StringComparison.Ordinal) && events.Stdout.Contains("Created pod: pi-", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "the job's events");
    }

    [Fact]
    public async Task CronJob_SchedulesAJobThatCompletes_RecordsStatusAndHistory()
    {
        var ns = await fx.NamespaceAsync("cron");
        // "@every 2s" is robfig/cron syntax that Kubernetes accepts; it avoids waiting for a wall-clock minute.
        (await fx.Kubectl.ApplyAsync("""
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: tick
            spec:
              schedule: "@every 2s"
              concurrencyPolicy: Forbid
              successfulJobsHistoryLimit: 1
              jobTemplate:
                spec:
                  template:
                    metadata:
                      annotations:
                        sim.berth.dev/run-seconds: "0.3"
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - name: tick
                        image: busybox:1.36
                        command: ["date"]
            """, "-n", ns)).Ok();
        await WorkloadFixture.WaitUntilAsync(async () => (await fx.GetAsync<V1CronJob>("batch", "v1", "cronjobs", ns, "tick")).Status?.LastSuccessfulTime is not null,
            TimeSpan.FromSeconds(60), "a successful run");
        (await fx.Kubectl.RunAsync("patch", "cronjob/tick", "-n", ns, "-p", """{"spec":{"suspend":true}}""")).Ok();

        var cj = await fx.GetAsync<V1CronJob>("batch", "v1", "cronjobs", ns, "tick");
        Assert.NotNull(cj.Status.LastScheduleTime);
        var jobs = (await fx.ListAsync<V1Job>("batch", "v1", "jobs", ns)).Where(j => j.Metadata.OwnerReferences?.Any(o => o.Uid == cj.Metadata.Uid && o.Controller == true) == true).ToList();
        var done = jobs.First(j => j.Status?.Conditions?.Any(c => c.Type == "Complete" && c.Status == "True") == true);
        Assert.Matches(@"^tick-\d+$", done.Metadata.Name);
        Assert.True(done.Metadata.Annotations.ContainsKey("batch.kubernetes.io/cronjob-scheduled-timestamp"));
        Assert.Equal(done.Status.CompletionTime, cj.Status.LastSuccessfulTime);
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var events = await fx.Kubectl.RunAsync("get", "events", "-n", ns, "--field-selector", "involvedObject.name=tick", "-o", "custom-columns=R:.reason,M:.message", "--no-headers");
            return events.Ok().Stdout.Contains("Created job tick-", StringComparison.Ordinal) && events.Stdout.Contains("SawCompletedJob", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "the cronjob's events");
    }
}
