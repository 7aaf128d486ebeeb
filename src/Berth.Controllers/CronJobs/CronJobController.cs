using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Events;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.CronJobs;

/// <summary>
/// Kubernetes' CronJob controller (v2): creates a Job named &lt;cronjob&gt;-&lt;minutes since the epoch&gt; at
/// each scheduled time, honouring suspend, startingDeadlineSeconds, concurrencyPolicy Allow / Forbid /
/// Replace, timeZone, and successful/failedJobsHistoryLimit; keeps status.active, lastScheduleTime and
/// lastSuccessfulTime. Every sync requeues the CronJob for its next scheduled time.
/// </summary>
/// <remarks>
/// Time comes from the injected <see cref="TimeProvider"/> (its local zone for schedules without a zone),
/// so tests run schedules on virtual time; the work queue's delays use the same clock.
/// </remarks>
public sealed class CronJobController : IController
{
    public const string ApiVersion = "batch/v1";
    public const string KindName = "CronJob";

    private readonly IApiClient _client;
    private readonly SharedInformerFactory _informers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventRecorder _recorder;
    private readonly ResourceInfo _cronJobsInfo;
    private readonly ResourceInfo _jobsInfo;
    private readonly int _workers;
    private WorkQueue<string> _queue = null!;
    private SharedInformer<V1CronJob> _cronJobs = null!;
    private SharedInformer<V1Job> _jobs = null!;

    public CronJobController(SharedInformerFactory informers, ILogger<CronJobController> logger, TimeProvider? time = null, int workers = 5)
    {
        _client = informers.Client;
        _informers = informers;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _workers = workers;
        _recorder = new EventRecorder(_client, "cronjob-controller", logger: logger, time: _time);
        _cronJobsInfo = _client.Kinds.Find("batch", "v1", "cronjobs")!;
        _jobsInfo = _client.Kinds.Find("batch", "v1", "jobs")!;
    }

    public string Name => "cronjob";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _queue = new WorkQueue<string>(_time);
        _cronJobs = _informers.CronJobs;
        _jobs = _informers.Jobs;
        using var cjHandler = _cronJobs.AddHandler(cj => _queue.Add(KubeObjects.Key(cj)), OnCronJobUpdated, cj => _queue.Add(KubeObjects.Key(cj)));
        using var jobHandler = _jobs.AddHandler(EnqueueOwner, OnJobUpdated, EnqueueOwner);
        try
        {
            await _cronJobs.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _jobs.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await Workers.RunAsync(_queue, _workers, SyncAsync, _logger, Name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _queue.ShutDown();
        }
    }

    private System.Text.Json.Nodes.JsonObject Target(V1CronJob cj) => KubeObjects.EventTarget(ApiVersion, KindName, cj.Metadata);

    private void EnqueueOwner(V1Job job)
    {
        if (KubeObjects.ControllerOf(job.Metadata) is { Kind: KindName } r && _cronJobs.Get(job.Metadata.NamespaceProperty, r.Name) is { } cj
            && cj.Metadata.Uid == r.Uid)
        {
            _queue.Add(KubeObjects.Key(cj));
        }
    }

    private void OnJobUpdated(V1Job old, V1Job cur)
    {
        if (KubeObjects.ControllerOf(old.Metadata)?.Uid != KubeObjects.ControllerOf(cur.Metadata)?.Uid)
        {
            EnqueueOwner(old);
        }
        EnqueueOwner(cur);
    }

    /// <summary>A changed schedule or zone moves the next look to the new schedule's time; anything else syncs now.</summary>
    private void OnCronJobUpdated(V1CronJob old, V1CronJob cur)
    {
        var key = KubeObjects.Key(cur);
        if (old.Spec.Schedule == cur.Spec.Schedule && old.Spec.TimeZone == cur.Spec.TimeZone)
        {
            _queue.Add(key);
            return;
        }
        CronExpression schedule;
        try
        {
            schedule = CronExpression.Parse(CronJobUtil.FormatSchedule(cur));
        }
        catch (Exception e) when (e is FormatException or TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            _recorder.Event(Target(cur), EventRecorder.Warning, "UnParseableCronJobSchedule", $"unparseable schedule for cronjob: {cur.Spec.Schedule}");
            return;
        }
        if (CronJobUtil.NextScheduleTimeDuration(cur, _time.GetUtcNow(), schedule, _time.LocalTimeZone) is { } after)
        {
            _queue.AddAfter(key, after);
        }
    }

    /// <summary>Reconciles one CronJob (sync): history cleanup, then syncCronJob, one status write, requeue.</summary>
    private async Task SyncAsync(string key, CancellationToken ct)
    {
        var (ns, name) = KubeObjects.SplitKey(key);
        var cached = _cronJobs.Get(ns, name);
        if (cached is null)
        {
            return;
        }
        var jobs = _jobs.List(ns).Where(j => KubeObjects.ControllerOf(j.Metadata) is { Kind: KindName } r && r.Uid == cached.Metadata.Uid).ToList();
        var cj = KubeObjects.Clone(cached);
        cj.Status ??= new V1CronJobStatus();
        var updateAfterCleanup = await CleanupFinishedJobsAsync(cj, jobs, ct).ConfigureAwait(false);
        TimeSpan? requeueAfter = null;
        var updateAfterSync = false;
        Exception? syncError = null;
        try
        {
            (requeueAfter, updateAfterSync) = await SyncCronJobAsync(cj, jobs, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            syncError = e;
            updateAfterSync = true;
        }
        if (updateAfterCleanup || updateAfterSync)
        {
            await _client.UpdateAsync(_cronJobsInfo, KubeObjects.ToJson(cj, ApiVersion, KindName), "status", ct).ConfigureAwait(false);
        }
        if (requeueAfter is { } after)
        {
            _queue.AddAfter(key, after > TimeSpan.Zero ? after : TimeSpan.Zero);
            return;
        }
        if (syncError is not null)
        {
            throw syncError;
        }
    }

    /// <summary>The scheduling decision (syncCronJob); returns when to look again and whether status changed.</summary>
    private async Task<(TimeSpan? RequeueAfter, bool UpdateStatus)> SyncCronJobAsync(V1CronJob cj, List<V1Job> jobs, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var updateStatus = false;
        var target = Target(cj);
        var children = new HashSet<string>(StringComparer.Ordinal);
        foreach (var j in jobs)
        {
            children.Add(j.Metadata.Uid);
            var found = CronJobUtil.InActiveList(cj, j.Metadata.Uid);
            var (finished, type) = JobsFinished(j);
            if (!found && !finished)
            {
                var fresh = KubeJson.Deserialize<V1CronJob>(await _client.GetAsync(_cronJobsInfo, cj.Metadata.NamespaceProperty, cj.Metadata.Name, ct)
                    .ConfigureAwait(false));
                if (CronJobUtil.InActiveList(fresh, j.Metadata.Uid))
                {
                    cj.Status = fresh.Status ?? new V1CronJobStatus();
                    cj.Metadata.ResourceVersion = fresh.Metadata.ResourceVersion;
                    continue;
                }
                _recorder.Event(target, EventRecorder.Warning, "UnexpectedJob", $"Saw a job that the controller did not create or forgot: {j.Metadata.Name}");
            }
            else if (found && finished)
            {
                CronJobUtil.DeleteFromActiveList(cj, j.Metadata.Uid);
                _recorder.Event(target, EventRecorder.Normal, "SawCompletedJob", $"Saw completed job: {j.Metadata.Name}, condition: {type}");
                updateStatus = true;
            }
            if (finished && type == "Complete" && j.Status?.CompletionTime is { } completed
                && (cj.Status.LastSuccessfulTime is null || completed > cj.Status.LastSuccessfulTime))
            {
                cj.Status.LastSuccessfulTime = completed;
                updateStatus = true;
            }
        }
        // Active entries whose Job is gone (checked with a live read: the cache may be behind).
        foreach (var r in (cj.Status.Active ?? []).ToList())
        {
            if (children.Contains(r.Uid))
            {
                continue;
            }
            try
            {
                await _client.GetAsync(_jobsInfo, r.NamespaceProperty, r.Name, ct).ConfigureAwait(false);
            }
            catch (StatusException e) when (e.Code == 404)
            {
                _recorder.Event(target, EventRecorder.Normal, "MissingJob", $"Active job went missing: {r.Name}");
                CronJobUtil.DeleteFromActiveList(cj, r.Uid);
                updateStatus = true;
            }
        }
        if (cj.Metadata.DeletionTimestamp is not null)
        {
            return (null, updateStatus);
        }
        TimeZoneInfo? annotationZone = TimeZoneInfo.Utc;
        if (cj.Spec.TimeZone is { } tz)
        {
            try
            {
                annotationZone = CronExpression.FindZone(tz);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                _recorder.Event(target, EventRecorder.Warning, "UnknownTimeZone", $"invalid timeZone: \"{tz}\": {e.Message}");
                return (null, updateStatus);
            }
        }
        if (cj.Spec.Suspend == true)
        {
            return (null, updateStatus);
        }
        if (cj.Spec.Schedule.Contains("TZ", StringComparison.Ordinal))
        {
            _recorder.Event(target, EventRecorder.Warning, "UnsupportedSchedule",
                $"CRON_TZ or TZ used in schedule \"{cj.Spec.Schedule}\" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details");
        }
        CronExpression schedule;
        try
        {
            schedule = CronExpression.Parse(CronJobUtil.FormatSchedule(cj));
        }
        catch (Exception e) when (e is FormatException or TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            _recorder.Event(target, EventRecorder.Warning, "UnparseableSchedule", $"unparseable schedule: \"{cj.Spec.Schedule}\" : {e.Message}");
            return (null, updateStatus);
        }
        var zone = _time.LocalTimeZone;
        DateTimeOffset? scheduled;
        try
        {
            var (_, mostRecent, missed) = CronJobUtil.MostRecentScheduleTime(cj, now, schedule, zone, includeStartingDeadlineSeconds: true);
            scheduled = mostRecent is { } m && m <= now ? m : null;
            if (scheduled is not null && missed == CronJobUtil.Missed.Many)
            {
                _recorder.Event(target, EventRecorder.Warning, "TooManyMissedTimes",
                    "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
            }
        }
        catch (InvalidOperationException e)
        {
            _recorder.Event(target, EventRecorder.Warning, "InvalidSchedule", $"invalid schedule: {cj.Spec.Schedule} : {e.Message}");
            return (null, updateStatus);
        }
        TimeSpan? Next() => CronJobUtil.NextScheduleTimeDuration(cj, now, schedule, zone);
        if (scheduled is not { } scheduledTime)
        {
            return (Next(), updateStatus);
        }
        if (cj.Spec.StartingDeadlineSeconds is long deadline && scheduledTime.AddSeconds(deadline) < now)
        {
            _recorder.Event(target, EventRecorder.Warning, "MissSchedule",
                $"Missed scheduled time to start a job: {scheduledTime.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture)}");
            return (Next(), updateStatus);
        }
        if (CronJobUtil.InActiveListByName(cj, CronJobUtil.JobName(cj, scheduledTime))
            || (cj.Status.LastScheduleTime is { } lastScheduled && new DateTimeOffset(DateTime.SpecifyKind(lastScheduled, DateTimeKind.Utc)) == scheduledTime))
        {
            return (Next(), updateStatus);
        }
        if (cj.Spec.ConcurrencyPolicy == "Forbid" && cj.Status.Active is { Count: > 0 })
        {
            _recorder.Event(target, EventRecorder.Normal, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
            return (Next(), updateStatus);
        }
        if (cj.Spec.ConcurrencyPolicy == "Replace")
        {
            foreach (var r in (cj.Status.Active ?? []).ToList())
            {
                V1Job job;
                try
                {
                    job = KubeJson.Deserialize<V1Job>(await _client.GetAsync(_jobsInfo, r.NamespaceProperty, r.Name, ct).ConfigureAwait(false));
                }
                catch (StatusException e)
                {
                    _recorder.Event(target, EventRecorder.Warning, "FailedGet", $"Get job: {e.Message}");
                    throw;
                }
                if (!await DeleteJobAsync(cj, job, ct).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"could not replace job {job.Metadata.NamespaceProperty}/{job.Metadata.Name}");
                }
                updateStatus = true;
            }
        }

        var request = CronJobUtil.JobFromTemplate(cj, scheduledTime, annotationZone, ApiVersion, KindName);
        V1Job created;
        var alreadyExists = false;
        try
        {
            created = KubeJson.Deserialize<V1Job>(await _client.CreateAsync(_jobsInfo, cj.Metadata.NamespaceProperty,
                KubeObjects.ToJson(request, "batch/v1", "Job"), ct).ConfigureAwait(false));
        }
        catch (StatusException e) when (PodControl.IsNamespaceTerminating(e))
        {
            throw;
        }
        catch (StatusException e) when (e.Code == 409 && e.Status.Reason == "AlreadyExists")
        {
            // Created before but not recorded (a crash between the two): record it, if it is ours.
            alreadyExists = true;
            created = KubeJson.Deserialize<V1Job>(await _client.GetAsync(_jobsInfo, cj.Metadata.NamespaceProperty, request.Metadata.Name, ct).ConfigureAwait(false));
            if (!KubeObjects.IsControlledBy(created.Metadata, cj.Metadata.Uid) || CronJobUtil.InActiveList(cj, created.Metadata.Uid))
            {
                return (null, updateStatus);
            }
        }
        catch (StatusException e)
        {
            _recorder.Event(target, EventRecorder.Warning, "FailedCreate", $"Error creating job: {e.Message}");
            throw;
        }
        if (!alreadyExists)
        {
            _recorder.Event(target, EventRecorder.Normal, "SuccessfulCreate", $"Created job {created.Metadata.Name}");
        }
        cj.Status.Active ??= [];
        cj.Status.Active.Add(new V1ObjectReference
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Name = created.Metadata.Name,
            NamespaceProperty = created.Metadata.NamespaceProperty,
            Uid = created.Metadata.Uid,
            ResourceVersion = created.Metadata.ResourceVersion,
        });
        cj.Status.LastScheduleTime = scheduledTime.UtcDateTime;
        return (Next(), true);
    }

    private static (bool Finished, string Type) JobsFinished(V1Job job) => Jobs.JobUtil.FinishedStatus(job);

    /// <summary>Deletes finished Jobs beyond the history limits, oldest start first (cleanupFinishedJobs).</summary>
    private async Task<bool> CleanupFinishedJobsAsync(V1CronJob cj, List<V1Job> jobs, CancellationToken ct)
    {
        if (cj.Spec.SuccessfulJobsHistoryLimit is null && cj.Spec.FailedJobsHistoryLimit is null)
        {
            return false;
        }
        var succeeded = new List<V1Job>();
        var failed = new List<V1Job>();
        foreach (var j in jobs)
        {
            var (finished, type) = JobsFinished(j);
            if (finished && type == "Complete")
            {
                succeeded.Add(j);
            }
            else if (finished && type == "Failed")
            {
                failed.Add(j);
            }
        }
        var update = false;
        if (cj.Spec.SuccessfulJobsHistoryLimit is int s)
        {
            update |= await RemoveOldestJobsAsync(cj, succeeded, s, ct).ConfigureAwait(false);
        }
        if (cj.Spec.FailedJobsHistoryLimit is int f)
        {
            update |= await RemoveOldestJobsAsync(cj, failed, f, ct).ConfigureAwait(false);
        }
        return update;
    }

    private async Task<bool> RemoveOldestJobsAsync(V1CronJob cj, List<V1Job> jobs, int max, CancellationToken ct)
    {
        var toDelete = jobs.Count - max;
        if (toDelete <= 0)
        {
            return false;
        }
        // Earliest start first; Jobs that never started last, then by name.
        jobs.Sort((a, b) =>
        {
            var sa = a.Status?.StartTime;
            var sb = b.Status?.StartTime;
            if (sa is null != sb is null)
            {
                return sa is null ? 1 : -1;
            }
            var c = Nullable.Compare(sa, sb);
            return c != 0 ? c : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
        });
        var update = false;
        for (var i = 0; i < toDelete; i++)
        {
            update |= await DeleteJobAsync(cj, jobs[i], ct).ConfigureAwait(false);
        }
        return update;
    }

    /// <summary>Deletes a Job (background propagation) and its active-list entry (deleteJob).</summary>
    private async Task<bool> DeleteJobAsync(V1CronJob cj, V1Job job, CancellationToken ct)
    {
        try
        {
            await _client.DeleteAsync(_jobsInfo, job.Metadata.NamespaceProperty, job.Metadata.Name,
                new V1DeleteOptions { PropagationPolicy = "Background" }, ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code != 404)
        {
            _recorder.Event(Target(cj), EventRecorder.Warning, "FailedDelete", $"Deleted job: {e.Message}");
            return false;
        }
        CronJobUtil.DeleteFromActiveList(cj, job.Metadata.Uid);
        _recorder.Event(Target(cj), EventRecorder.Normal, "SuccessfulDelete", $"Deleted job {job.Metadata.Name}");
        return true;
    }
}
