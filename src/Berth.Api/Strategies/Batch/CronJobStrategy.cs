using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Batch;

/// <summary>CronJobs (batch/v1): schedule syntax (robfig/cron), concurrency policy, the job template.</summary>
public sealed class CronJobStrategy : KindStrategy
{
    public static readonly CronJobStrategy Instance = new();

    private static readonly string[] ConcurrencyPolicies = ["Allow", "Forbid", "Replace"];

    private CronJobStrategy()
        : base(typeof(V1CronJob))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        spec.Default("concurrencyPolicy", "Allow");
        spec.DefaultPtr("suspend", false);
        spec.DefaultPtr("successfulJobsHistoryLimit", 3);
        spec.DefaultPtr("failedJobsHistoryLimit", 1);
        PodDefaults.Template(spec.Obj("jobTemplate").Obj("spec").Obj("template"));
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        ValidateSpec(obj.Obj("spec"), null, FieldPath.New("spec"), errs);
        var name = obj.Obj("metadata").S("name");
        // The controller appends an 11-character suffix to Job names, which are limited to 63.
        if (name.Length > 52)
        {
            errs.Add(FieldError.Invalid(FieldPath.New("metadata", "name"), name, "must be no more than 52 characters"));
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs) =>
        ValidateSpec(obj.Obj("spec"), old.Obj("spec"), FieldPath.New("spec"), errs);

    private static void ValidateSpec(JsonObject? spec, JsonObject? oldSpec, FieldPath path, List<FieldError> errs)
    {
        var schedule = spec.S("schedule");
        if (schedule.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("schedule")));
        }
        else
        {
            var allowTz = oldSpec is not null && oldSpec.S("schedule").Contains("TZ", StringComparison.Ordinal);
            if (CronSchedule.Validate(schedule) is { } error)
            {
                errs.Add(FieldError.Invalid(path.Child("schedule"), schedule, error));
            }
            if (allowTz && schedule.Contains("TZ", StringComparison.Ordinal) && spec.Has("timeZone"))
            {
                errs.Add(FieldError.Invalid(path.Child("schedule"), schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
            }
            else if (!allowTz && schedule.Contains("TZ", StringComparison.Ordinal))
            {
                errs.Add(FieldError.Invalid(path.Child("schedule"), schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
            }
        }
        if (spec.Int("startingDeadlineSeconds") is { } sds)
        {
            Check.Nonnegative(sds, path.Child("startingDeadlineSeconds"), errs);
        }
        if ((oldSpec is null || oldSpec.Str("timeZone") != spec.Str("timeZone")) && spec.Str("timeZone") is { } tz)
        {
            TimeZone(tz, path.Child("timeZone"), errs);
        }
        var policy = spec.S("concurrencyPolicy");
        if (policy.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("concurrencyPolicy")));
        }
        else if (Array.IndexOf(ConcurrencyPolicies, policy) < 0)
        {
            errs.Add(FieldError.NotSupported(path.Child("concurrencyPolicy"), policy, ConcurrencyPolicies));
        }
        var jobSpec = spec.Obj("jobTemplate").Obj("spec");
        var jp = path.Child("jobTemplate");
        JobValidation.Spec(jobSpec, jp.Child("spec"), errs);
        if (jobSpec.Obj("selector") is { } selector)
        {
            errs.Add(FieldError.Invalid(jp.Child("spec", "selector"), Workloads.WorkloadValidation.RenderSelector(selector), "`selector` will be auto-generated"));
        }
        if (jobSpec.Bool("manualSelector") == true)
        {
            errs.Add(FieldError.NotSupported(jp.Child("spec", "manualSelector"), true, ["nil", "false"]));
        }
        foreach (var f in (ReadOnlySpan<string>)["successfulJobsHistoryLimit", "failedJobsHistoryLimit"])
        {
            if (spec.Int(f) is { } v)
            {
                Check.Nonnegative(v, path.Child(f), errs);
            }
        }
    }

    private static void TimeZone(string tz, FieldPath path, List<FieldError> errs)
    {
        if (tz.Length == 0)
        {
            errs.Add(FieldError.Invalid(path, tz, "timeZone must be nil or non-empty string"));
            return;
        }
        foreach (var part in tz.Split('/'))
        {
            if (part is "." or ".." || part.StartsWith('-') || part.Length is 0 or > 14
                || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+'))
            {
                errs.Add(FieldError.Invalid(path, tz, $"unknown time zone {tz}"));
                return;
            }
        }
        if (string.Equals(tz, "Local", StringComparison.OrdinalIgnoreCase))
        {
            errs.Add(FieldError.Invalid(path, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
        }
        if (tz != "UTC")
        {
            try
            {
                _ = TimeZoneInfo.FindSystemTimeZoneById(tz);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                errs.Add(FieldError.Invalid(path, tz, $"unknown time zone {tz}"));
            }
        }
    }
}
