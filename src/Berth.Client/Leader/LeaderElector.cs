using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Client.Leader;

/// <summary>
/// Leader election on a coordination.k8s.io Lease, as client-go's leaderelection: the holder renews the
/// Lease every <see cref="RetryPeriod"/>; another candidate takes over once the Lease has not been renewed
/// for <see cref="LeaseDuration"/>. <see cref="RunAsync"/> runs the leader's work only while leading and
/// cancels it when leadership is lost, so two servers never act at once.
/// </summary>
public sealed class LeaderElector(IApiClient client, string ns, string name, string identity, ILogger? logger = null, TimeProvider? time = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    public string Identity { get; } = identity;

    public bool IsLeader { get; private set; }

    /// <summary>Campaigns until cancelled; while leader, runs <paramref name="lead"/> with a token cancelled on loss.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (!await TryAcquireOrRenewAsync(ct).ConfigureAwait(false))
            {
                await Task.Delay(RetryPeriod, _time, ct).ConfigureAwait(false);
                continue;
            }
            _logger.LogInformation("{Identity} became leader of {Lease}", Identity, name);
            IsLeader = true;
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var work = Task.Run(() => lead(leading.Token), CancellationToken.None);
            var lastRenew = _time.GetUtcNow();
            while (!ct.IsCancellationRequested && !work.IsCompleted)
            {
                try
                {
                    await Task.Delay(RetryPeriod, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                if (await TryAcquireOrRenewAsync(ct).ConfigureAwait(false))
                {
                    lastRenew = _time.GetUtcNow();
                }
                else if (_time.GetUtcNow() - lastRenew > RenewDeadline)
                {
                    _logger.LogWarning("{Identity} lost leadership of {Lease}", Identity, name);
                    break;
                }
            }
            IsLeader = false;
            await leading.CancelAsync().ConfigureAwait(false);
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var leases = client.Kinds.Find("coordination.k8s.io", "v1", "leases")!;
        var now = _time.GetUtcNow().UtcDateTime;
        var nowText = now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        try
        {
            JsonObject lease;
            try
            {
                lease = await client.GetAsync(leases, ns, name, ct).ConfigureAwait(false);
            }
            catch (StatusException e) when (e.Code == 404)
            {
                await client.CreateAsync(leases, ns, new JsonObject
                {
                    ["apiVersion"] = "coordination.k8s.io/v1",
                    ["kind"] = "Lease",
                    ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
                    ["spec"] = new JsonObject
                    {
                        ["holderIdentity"] = Identity,
                        ["leaseDurationSeconds"] = (int)LeaseDuration.TotalSeconds,
                        ["acquireTime"] = nowText,
                        ["renewTime"] = nowText,
                        ["leaseTransitions"] = 0,
                    },
                }, ct).ConfigureAwait(false);
                return true;
            }
            var spec = lease["spec"] as JsonObject ?? new JsonObject();
            var holder = spec["holderIdentity"]?.GetValue<string>();
            var renew = spec["renewTime"]?.GetValue<string>() is { } r
                ? DateTime.Parse(r, CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal)
                : DateTime.MinValue;
            var duration = TimeSpan.FromSeconds(Berth.Api.Json.JsonNumbers.Int(spec["leaseDurationSeconds"]) ?? (int)LeaseDuration.TotalSeconds);
            if (holder != Identity && !string.IsNullOrEmpty(holder) && now - renew < duration)
            {
                return false;
            }
            if (holder != Identity)
            {
                spec["acquireTime"] = nowText;
                spec["leaseTransitions"] = (Berth.Api.Json.JsonNumbers.Int(spec["leaseTransitions"]) ?? 0) + 1;
            }
            spec["holderIdentity"] = Identity;
            spec["renewTime"] = nowText;
            spec["leaseDurationSeconds"] = (int)LeaseDuration.TotalSeconds;
            lease["spec"] = spec;
            await client.UpdateAsync(leases, lease, null, ct).ConfigureAwait(false);
            return true;
        }
        catch (StatusException e) when (e.Code is 409 or 404)
        {
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogDebug(e, "leader election for {Lease} failed", name);
            return false;
        }
    }
}
