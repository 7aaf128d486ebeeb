using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using Berth.Controllers.Jobs;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.TtlAfterFinished;

/// <summary>
/// Kubernetes' TTL-after-finished controller: deletes a finished Job (Complete or Failed) and, in the
/// foreground, its pods once <c>ttlSecondsAfterFinished</c> have passed since it finished.
/// </summary>
public sealed class TtlAfterFinishedController : IController
{
    private readonly IApiClient _client;
    private readonly SharedInformerFactory _informers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ResourceInfo _jobsInfo;
    private WorkQueue<string> _queue = null!;
    private SharedInformer<V1Job> _jobs = null!;

    public TtlAfterFinishedController(SharedInformerFactory informers, ILogger<TtlAfterFinishedController> logger, TimeProvider? time = null)
    {
        _client = informers.Client;
        _informers = informers;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _jobsInfo = _client.Kinds.Find("batch", "v1", "jobs")!;
    }

    public string Name => "ttl-after-finished";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _queue = new WorkQueue<string>(_time);
        _jobs = _informers.Jobs;
        using var handler = _jobs.AddHandler(Enqueue, (_, n) => Enqueue(n));
        try
        {
            await _jobs.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await Workers.RunAsync(_queue, 2, ProcessJobAsync, _logger, Name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _queue.ShutDown();
        }
    }

    private void Enqueue(V1Job job)
    {
        if (job.Metadata.DeletionTimestamp is null && NeedsCleanup(job))
        {
            _queue.Add(KubeObjects.Key(job));
        }
    }

    private static bool NeedsCleanup(V1Job job) => job.Spec.TtlSecondsAfterFinished is not null && JobUtil.IsFinished(job);

    /// <summary>When the Job's TTL expires: its finishing condition's transition time plus the TTL, or null when it has no TTL.</summary>
    public static DateTime? ExpireAt(V1Job job)
    {
        if (!NeedsCleanup(job))
        {
            return null;
        }
        var finishedAt = job.Status.Conditions.First(c => c.Type is JobUtil.Complete or JobUtil.Failed && c.Status == "True").LastTransitionTime
            ?? job.Status.CompletionTime ?? DateTime.UtcNow;
        return finishedAt.AddSeconds(job.Spec.TtlSecondsAfterFinished!.Value);
    }

    private async Task ProcessJobAsync(string key, CancellationToken ct)
    {
        var (ns, name) = KubeObjects.SplitKey(key);
        var job = _jobs.Get(ns, name);
        if (job is null || job.Metadata.DeletionTimestamp is not null || !Expired(job, key))
        {
            return;
        }
        // The cache may hold a stale TTL: decide on a fresh copy, and delete exactly that copy.
        V1Job fresh;
        try
        {
            fresh = KubeJson.Deserialize<V1Job>(await _client.GetAsync(_jobsInfo, ns, name, ct).ConfigureAwait(false));
        }
        catch (StatusException e) when (e.Code == 404)
        {
            return;
        }
        if (fresh.Metadata.DeletionTimestamp is not null || !Expired(fresh, key))
        {
            return;
        }
        try
        {
            await _client.DeleteAsync(_jobsInfo, ns, name, new V1DeleteOptions
            {
                PropagationPolicy = "Foreground",
                Preconditions = new V1Preconditions { Uid = fresh.Metadata.Uid, ResourceVersion = fresh.Metadata.ResourceVersion },
            }, ct).ConfigureAwait(false);
            _logger.LogDebug("deleted job {Key}: ttlSecondsAfterFinished expired", key);
        }
        catch (StatusException e) when (e.Code is 404 or 409)
        {
        }
    }

    /// <summary>True when the TTL has passed; otherwise the Job is looked at again when it will have.</summary>
    private bool Expired(V1Job job, string key)
    {
        if (ExpireAt(job) is not { } expireAt)
        {
            return false;
        }
        var left = expireAt - _time.GetUtcNow().UtcDateTime;
        if (left > TimeSpan.Zero)
        {
            _queue.AddAfter(key, left);
            return false;
        }
        return true;
    }
}
