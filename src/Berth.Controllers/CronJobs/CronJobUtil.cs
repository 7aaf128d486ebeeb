using System.Globalization;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.CronJobs;

/// <summary>Schedule arithmetic and Job construction for CronJobs (kube's cronjob utils).</summary>
public static class CronJobUtil
{
    /// <summary>The annotation with the nominal time a Job was scheduled for, RFC 3339 in the CronJob's zone.</summary>
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    /// <summary>How far past a scheduled time the controller looks again (kube's nextScheduleDelta).</summary>
    public static readonly TimeSpan NextScheduleDelta = TimeSpan.FromMilliseconds(100);

    /// <summary>How many schedules were missed since the last one.</summary>
    public enum Missed
    {
        None,
        Few,
        Many,
    }

    /// <summary>
    /// The earliest time considered (last schedule, else creation, later still the starting deadline) and
    /// the most recent activation at or before <paramref name="now"/>, if any (mostRecentScheduleTime).
    /// </summary>
    /// <exception cref="InvalidOperationException">Two activations less than a second apart (an impossible schedule).</exception>
    public static (DateTimeOffset Earliest, DateTimeOffset? MostRecent, Missed Missed) MostRecentScheduleTime(V1CronJob cj, DateTimeOffset now,
        CronExpression schedule, TimeZoneInfo zone, bool includeStartingDeadlineSeconds)
    {
        var earliest = new DateTimeOffset(DateTime.SpecifyKind(cj.Metadata.CreationTimestamp ?? now.UtcDateTime, DateTimeKind.Utc));
        if (cj.Status?.LastScheduleTime is { } last)
        {
            earliest = new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc));
        }
        if (includeStartingDeadlineSeconds && cj.Spec.StartingDeadlineSeconds is long deadline)
        {
            var schedulingDeadline = now.AddSeconds(-deadline);
            if (schedulingDeadline > earliest)
            {
                earliest = schedulingDeadline;
            }
        }
        var t1 = schedule.Next(earliest, zone);
        if (t1 is null || now < t1.Value)
        {
            return (earliest, null, Missed.None);
        }
        var t2 = schedule.Next(t1.Value, zone);
        if (t2 is null || now < t2.Value)
        {
            return (earliest, t1, Missed.None);
        }
        var between = (long)Math.Round((t2.Value - t1.Value).TotalSeconds);
        if (between < 1)
        {
            throw new InvalidOperationException("time difference between two schedules is less than 1 second");
        }
        // Estimate how many fit, jump close to the end, then walk the last few exactly.
        var elapsed = (long)(now - t1.Value).TotalSeconds;
        var missedCount = elapsed / between + 1;
        var potentialEarliest = t1.Value.AddSeconds((missedCount - 2) * between);
        DateTimeOffset? mostRecent = null;
        for (var t = schedule.Next(potentialEarliest, zone); t is { } tt && tt <= now; t = schedule.Next(tt, zone))
        {
            mostRecent = tt;
        }
        var missed = missedCount > 100 ? Missed.Many : missedCount > 0 ? Missed.Few : Missed.None;
        return (earliest, mostRecent, missed);
    }

    /// <summary>How long until the next activation after the last one, plus a small delta (nextScheduleTimeDuration).</summary>
    public static TimeSpan? NextScheduleTimeDuration(V1CronJob cj, DateTimeOffset now, CronExpression schedule, TimeZoneInfo zone)
    {
        DateTimeOffset earliest;
        DateTimeOffset? mostRecent;
        try
        {
            (earliest, mostRecent, _) = MostRecentScheduleTime(cj, now, schedule, zone, includeStartingDeadlineSeconds: false);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        var from = mostRecent ?? earliest;
        if (schedule.Next(from, zone) is not { } next)
        {
            return null;
        }
        return next + NextScheduleDelta - now;
    }

    /// <summary>Job names are the CronJob's name and the scheduled time in minutes, so one time never runs twice (getJobName).</summary>
    public static string JobName(V1CronJob cj, DateTimeOffset scheduled) =>
        $"{cj.Metadata.Name}-{(scheduled.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The Job for one scheduled time (getJobFromTemplate2).</summary>
    public static V1Job JobFromTemplate(V1CronJob cj, DateTimeOffset scheduled, TimeZoneInfo annotationZone, string apiVersion, string kind)
    {
        var template = cj.Spec.JobTemplate;
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [ScheduledTimestampAnnotation] = TimeZoneInfo.ConvertTime(scheduled, annotationZone).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture)
                .Replace("+00:00", "Z", StringComparison.Ordinal),
        };
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = JobName(cj, scheduled),
                NamespaceProperty = cj.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels is { } l ? new Dictionary<string, string>(l, StringComparer.Ordinal) : null,
                Annotations = annotations,
                OwnerReferences = [KubeObjects.NewControllerRef(cj.Metadata, apiVersion, kind)],
            },
            Spec = KubeObjects.Clone(template.Spec),
        };
    }

    /// <summary>The schedule with the timeZone field applied as a TZ= prefix (formatSchedule).</summary>
    public static string FormatSchedule(V1CronJob cj)
    {
        var schedule = cj.Spec.Schedule;
        if (cj.Spec.TimeZone is { } tz && !schedule.Contains("TZ", StringComparison.Ordinal))
        {
            return "TZ=" + tz + " " + schedule;
        }
        return schedule;
    }

    public static bool InActiveList(V1CronJob cj, string uid) => cj.Status?.Active?.Any(r => r.Uid == uid) == true;

    public static bool InActiveListByName(V1CronJob cj, string name) => cj.Status?.Active?.Any(r => r.Name == name) == true;

    public static void DeleteFromActiveList(V1CronJob cj, string uid)
    {
        if (cj.Status?.Active is { } active)
        {
            cj.Status.Active = active.Where(r => r.Uid != uid).ToList();
        }
    }
}
