using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Strategies;

public sealed class BatchStrategyTests
{
    private const string Job = """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: pi}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: pi, image: perl, command: [perl, -e, "print 1"]}]
        """;

    [Fact]
    public void Create_Job_GetsDefaultsAndGeneratedSelectorAsKube()
    {
        var job = StrategyHarness.Created(Job);
        var uid = StrategyHarness.Uid;
        var labels = StrategyHarness.Json($$"""
            {
              "job-name": "pi",
              "batch.kubernetes.io/job-name": "pi",
              "controller-uid": "{{uid}}",
              "batch.kubernetes.io/controller-uid": "{{uid}}"
            }
            """);
        StrategyHarness.AssertJson(labels, job["spec"]!["template"]!["metadata"]!["labels"]);
        StrategyHarness.AssertJson(labels, job["metadata"]!["labels"]);
        var spec = job["spec"]!.AsObject();
        StrategyHarness.AssertJson(StrategyHarness.Json($$$"""{"matchLabels":{"batch.kubernetes.io/controller-uid":"{{{uid}}}"}}"""), spec["selector"]);
        foreach (var (field, value) in new (string, string)[]
        {
            ("completions", "1"), ("parallelism", "1"), ("backoffLimit", "6"), ("completionMode", "\"NonIndexed\""),
            ("suspend", "false"), ("manualSelector", "false"), ("podReplacementPolicy", "\"TerminatingOrFailed\""),
        })
        {
            Assert.Equal(value, spec[field]!.ToJsonString());
        }
    }

    [Fact]
    public void Create_JobWithoutRestartPolicy_RequiresNeverOrOnFailure()
    {
        var job = StrategyHarness.Yaml1(Job);
        job["spec"]!["template"]!["spec"]!.AsObject().Remove("restartPolicy");
        Assert.Equal(["spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""], StrategyHarness.Create(job));
    }

    [Fact]
    public void Create_ManualSelectorWithoutSelector_ReportsKubeErrors()
    {
        var job = StrategyHarness.Yaml1(Job);
        job["spec"]!["manualSelector"] = true;
        job["spec"]!["parallelism"] = -1;
        Assert.Equal(
        [
            "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`",
        ], StrategyHarness.Create(job));
    }

    [Fact]
    public void Update_JobTemplate_IsImmutable()
    {
        var old = StrategyHarness.Created(Job);
        var job = (JsonObject)old.DeepClone();
        job["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "perl:5.40";
        var errs = StrategyHarness.Update(job, old);
        var err = Assert.Single(errs);
        Assert.StartsWith("spec.template: Invalid value: {", err);
        Assert.EndsWith("}: field is immutable", err);
    }

    private const string CronJob = """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: report}
        spec:
          schedule: "*/5 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: r, image: busybox}]
        """;

    [Fact]
    public void Create_CronJob_GetsDefaults()
    {
        var cj = StrategyHarness.Created(CronJob);
        var spec = cj["spec"]!;
        Assert.Equal("\"Allow\"", spec["concurrencyPolicy"]!.ToJsonString());
        Assert.Equal("false", spec["suspend"]!.ToJsonString());
        Assert.Equal("3", spec["successfulJobsHistoryLimit"]!.ToJsonString());
        Assert.Equal("1", spec["failedJobsHistoryLimit"]!.ToJsonString());
        Assert.Null(spec["jobTemplate"]!["spec"]!["backoffLimit"]);
        Assert.Equal("default-scheduler", spec["jobTemplate"]!["spec"]!["template"]!["spec"]!["schedulerName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("* * *", "expected exactly 5 fields, found 3: [* * *]")]
    [InlineData("61 * * * *", "end of range (61) above maximum (59): 61")]
    [InlineData("0 0 0 * *", "beginning of range (0) below minimum (1): 0")]
    [InlineData("x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax")]
    [InlineData("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1")]
    [InlineData("*/0 * * * *", "step of range should be a positive number: */0")]
    [InlineData("@fortnightly", "unrecognized descriptor: @fortnightly")]
    public void Create_BadSchedule_ReportsTheCronParserError(string schedule, string error)
    {
        var cj = StrategyHarness.Yaml1(CronJob);
        cj["spec"]!["schedule"] = schedule;
        Assert.Equal([$"spec.schedule: Invalid value: \"{schedule}\": {error}"], StrategyHarness.Create(cj));
    }

    [Theory]
    [InlineData("@hourly")]
    [InlineData("@every 1h30m")]
    [InlineData("0 9 * jan-mar mon-fri")]
    [InlineData("15,45 */2 1-15 * ?")]
    public void Create_GoodSchedule_IsAccepted(string schedule)
    {
        var cj = StrategyHarness.Yaml1(CronJob);
        cj["spec"]!["schedule"] = schedule;
        Assert.Empty(StrategyHarness.Create(cj));
    }

    [Fact]
    public void Create_InvalidCronJob_ReportsAllErrors()
    {
        var cj = StrategyHarness.Yaml1(CronJob);
        cj["metadata"]!["name"] = new string('a', 53);
        cj["spec"]!["concurrencyPolicy"] = "Sometimes";
        cj["spec"]!["schedule"] = "TZ=UTC 0 * * * *";
        cj["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!["restartPolicy"] = "Always";
        Assert.Equal(
        [
            "spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
            "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
            $"metadata.name: Invalid value: \"{new string('a', 53)}\": must be no more than 52 characters",
        ], StrategyHarness.Create(cj));
    }
}
