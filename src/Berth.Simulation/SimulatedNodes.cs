using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Informers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Simulation;

/// <summary>One simulated node: name, capacity, labels and taints.</summary>
public sealed record SimulatedNodeSpec
{
    public required string Name { get; init; }
    public string Cpu { get; init; } = "4";
    public string Memory { get; init; } = "16Gi";
    public int Pods { get; init; } = 110;
    public string? Zone { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary>Taints as (key, value, effect).</summary>
    public IReadOnlyList<(string Key, string? Value, string Effect)> Taints { get; init; } = [];
}

/// <summary>
/// SIMULATION ONLY — a fake kubelet for tests and scale benchmarks. It registers nodes, renews their
/// Leases, and reports the pods bound to them as Running and Ready (or Succeeded/Failed when annotated)
/// without running any container. Real pods run on the real agent (<c>berth agent</c>).
/// </summary>
/// <remarks>
/// Annotations a test may set on a pod: <c>sim.berth.dev/run-seconds</c> (finish after that long),
/// <c>sim.berth.dev/exit-code</c> (finish with that code; non-zero fails), <c>sim.berth.dev/ready-after-seconds</c>
/// (report Ready only after that long), <c>sim.berth.dev/never-ready</c>.
/// </remarks>
public sealed class SimulatedNodes : IAsyncDisposable
{
    public const string RunSecondsAnnotation = "sim.berth.dev/run-seconds";
    public const string ExitCodeAnnotation = "sim.berth.dev/exit-code";
    public const string ReadyAfterAnnotation = "sim.berth.dev/ready-after-seconds";
    public const string NeverReadyAnnotation = "sim.berth.dev/never-ready";

    private readonly IApiClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly ResourceInfo _nodeInfo;
    private readonly ResourceInfo _leaseInfo;
    private readonly ResourceInfo _podInfo;
    private readonly bool _runPods;
    private readonly System.Threading.Channels.Channel<string> _podWork = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private Informer<JsonObject>? _pods;
    private Task _loops = Task.CompletedTask;
    private int _podIpCounter;

    /// <param name="runPods">Whether to report bound pods as running (off for pure scheduling benchmarks).</param>
    /// <param name="leaseInterval">How often each node renews its Lease.</param>
    public SimulatedNodes(IApiClient client, bool runPods = true, TimeSpan? leaseInterval = null, ILogger? logger = null, TimeProvider? time = null)
    {
        _client = client;
        _runPods = runPods;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        LeaseInterval = leaseInterval ?? TimeSpan.FromSeconds(2);
        _nodeInfo = client.Kinds.Find("", "v1", "nodes")!;
        _leaseInfo = client.Kinds.Find("coordination.k8s.io", "v1", "leases")!;
        _podInfo = client.Kinds.Find("", "v1", "pods")!;
    }

    public TimeSpan LeaseInterval { get; }

    public IReadOnlyCollection<string> NodeNames => _nodes.Keys.ToList();

    private sealed class NodeState(SimulatedNodeSpec spec, int index)
    {
        public SimulatedNodeSpec Spec { get; } = spec;
        public int Index { get; } = index;
        /// <summary>When false the node stops renewing its Lease: a dead kubelet.</summary>
        public volatile bool Alive = true;
    }

    private string Now => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    private string NowMicro => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Registers nodes (Node and Lease objects) and starts the heartbeat and pod loops.</summary>
    public async Task AddNodesAsync(IEnumerable<SimulatedNodeSpec> nodes, CancellationToken ct = default)
    {
        var list = nodes.ToList();
        await Parallel.ForEachAsync(list, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (spec, token) =>
        {
            var index = Interlocked.Increment(ref _podIpCounter);
            var state = new NodeState(spec, _nodes.Count + index);
            if (!_nodes.TryAdd(spec.Name, state))
            {
                return;
            }
            await RegisterAsync(state, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (_loops.IsCompleted)
        {
            _loops = Task.WhenAll(Task.Run(() => HeartbeatLoopAsync(_stop.Token), CancellationToken.None),
                _runPods ? Task.Run(() => PodLoopAsync(_stop.Token), CancellationToken.None) : Task.CompletedTask);
        }
    }

    /// <summary>Builds <paramref name="count"/> node specs named <paramref name="prefix"/>-N spread over <paramref name="zones"/>.</summary>
    public static IEnumerable<SimulatedNodeSpec> Spread(string prefix, int count, string[] zones, string cpu = "4", string memory = "16Gi", int pods = 110)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new SimulatedNodeSpec
            {
                Name = $"{prefix}-{i}",
                Cpu = cpu,
                Memory = memory,
                Pods = pods,
                Zone = zones.Length == 0 ? null : zones[i % zones.Length],
            };
        }
    }

    /// <summary>Stops a node's heartbeat (its Lease expires as a dead kubelet's would).</summary>
    public void Kill(string node)
    {
        if (_nodes.TryGetValue(node, out var s))
        {
            s.Alive = false;
        }
    }

    /// <summary>Resumes a node's heartbeat.</summary>
    public void Revive(string node)
    {
        if (_nodes.TryGetValue(node, out var s))
        {
            s.Alive = true;
        }
    }

    private JsonObject NodeObject(NodeState s)
    {
        var spec = s.Spec;
        var labels = new JsonObject
        {
            ["kubernetes.io/hostname"] = spec.Name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["beta.kubernetes.io/arch"] = "amd64",
            ["berth.dev/simulated"] = "true",
        };
        if (spec.Zone is not null)
        {
            labels["topology.kubernetes.io/zone"] = spec.Zone;
            labels["topology.kubernetes.io/region"] = "sim";
        }
        foreach (var (k, v) in spec.Labels)
        {
            labels[k] = v;
        }
        var capacity = new JsonObject
        {
            ["cpu"] = spec.Cpu,
            ["memory"] = spec.Memory,
            ["pods"] = spec.Pods.ToString(CultureInfo.InvariantCulture),
            ["ephemeral-storage"] = "100Gi",
        };
        var taints = new JsonArray();
        foreach (var (k, v, e) in spec.Taints)
        {
            var t = new JsonObject { ["key"] = k, ["effect"] = e };
            if (v is not null)
            {
                t["value"] = v;
            }
            taints.Add(t);
        }
        var podCidr = $"10.{200 + (s.Index >> 16) % 50}.{(s.Index >> 8) & 255}.{s.Index & 255}";
        var nodeSpec = new JsonObject { ["podCIDR"] = podCidr + "/32" };
        if (taints.Count > 0)
        {
            nodeSpec["taints"] = taints;
        }
        var now = Now;
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = spec.Name, ["labels"] = labels },
            ["spec"] = nodeSpec,
            ["status"] = new JsonObject
            {
                ["capacity"] = capacity,
                ["allocatable"] = capacity.DeepClone(),
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", now),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", now),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", now),
                    Condition("Ready", "True", "KubeletReady", now)),
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = $"10.250.{(s.Index >> 8) & 255}.{s.Index & 255}" },
                    new JsonObject { ["type"] = "Hostname", ["address"] = spec.Name }),
                ["nodeInfo"] = new JsonObject
                {
                    ["machineID"] = spec.Name,
                    ["systemUUID"] = spec.Name,
                    ["bootID"] = spec.Name,
                    ["kernelVersion"] = "simulated",
                    ["osImage"] = "Berth simulated node",
                    ["containerRuntimeVersion"] = "simulated://1.0",
                    ["kubeletVersion"] = "v1.33.0-sim",
                    ["kubeProxyVersion"] = "v1.33.0-sim",
                    ["operatingSystem"] = "linux",
                    ["architecture"] = "amd64",
                },
            },
        };
    }

    private static JsonObject Condition(string type, string status, string reason, string now) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["reason"] = reason,
        ["message"] = "simulated kubelet",
        ["lastHeartbeatTime"] = now,
        ["lastTransitionTime"] = now,
    };

    private async Task RegisterAsync(NodeState s, CancellationToken ct)
    {
        try
        {
            await _client.CreateAsync(_nodeInfo, null, NodeObject(s), ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code == 409)
        {
            // Re-registering an existing node: make it Ready again.
            var fresh = NodeObject(s);
            await _client.PatchAsync(_nodeInfo, null, s.Spec.Name, PatchKind.Merge,
                Encoding.UTF8.GetBytes(new JsonObject { ["status"] = fresh["status"]!.DeepClone() }.ToJsonString()), "status", ct).ConfigureAwait(false);
        }
        await RenewLeaseAsync(s, ct).ConfigureAwait(false);
    }

    private async Task RenewLeaseAsync(NodeState s, CancellationToken ct)
    {
        var lease = new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = s.Spec.Name, ["namespace"] = "kube-node-lease" },
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = s.Spec.Name,
                ["leaseDurationSeconds"] = 40,
                ["renewTime"] = NowMicro,
            },
        };
        try
        {
            await _client.PatchAsync(_leaseInfo, "kube-node-lease", s.Spec.Name, PatchKind.Merge,
                Encoding.UTF8.GetBytes(new JsonObject { ["spec"] = lease["spec"]!.DeepClone() }.ToJsonString()), null, ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code == 404)
        {
            await _client.CreateAsync(_leaseInfo, "kube-node-lease", lease, ct).ConfigureAwait(false);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(LeaseInterval, _time, ct).ConfigureAwait(false);
                await Parallel.ForEachAsync(_nodes.Values.Where(n => n.Alive), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                    async (n, token) =>
                    {
                        try
                        {
                            await RenewLeaseAsync(n, token).ConfigureAwait(false);
                        }
                        catch (StatusException e)
                        {
                            _logger.LogDebug("lease renewal of {Node} failed: {Message}", n.Spec.Name, e.Message);
                        }
                    }).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PodLoopAsync(CancellationToken ct)
    {
        _pods = new Informer<JsonObject>(_client, _podInfo, o => o, logger: _logger);
        _pods.Added += Enqueue;
        _pods.Updated += (_, n) => Enqueue(n);
        _pods.Start();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => PodWorkerAsync(ct), CancellationToken.None)).ToList();
        try
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _podWork.Writer.TryComplete();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private void Enqueue(JsonObject pod)
    {
        var node = pod["spec"]?["nodeName"]?.GetValue<string>();
        if (node is null || !_nodes.TryGetValue(node, out var state) || !state.Alive)
        {
            return;
        }
        var key = Informer<JsonObject>.KeyOf(pod);
        if (_pending.TryAdd(key, 0))
        {
            _podWork.Writer.TryWrite(key);
        }
    }

    private async Task PodWorkerAsync(CancellationToken ct)
    {
        try
        {
            while (await _podWork.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (_podWork.Reader.TryRead(out var key))
                {
                    _pending.TryRemove(key, out _);
                    var pod = _pods?.Get(key);
                    if (pod is null)
                    {
                        continue;
                    }
                    try
                    {
                        await SyncPodAsync(pod, ct).ConfigureAwait(false);
                    }
                    catch (StatusException e) when (e.Code is 404 or 409)
                    {
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _logger.LogDebug(e, "simulated kubelet: pod {Key} failed", key);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SyncPodAsync(JsonObject pod, CancellationToken ct)
    {
        var meta = (JsonObject)pod["metadata"]!;
        var ns = meta["namespace"]!.GetValue<string>();
        var name = meta["name"]!.GetValue<string>();
        if (meta["deletionTimestamp"] is not null)
        {
            // A kubelet confirms termination by deleting with grace 0 once its containers stopped.
            await _client.DeleteAsync(_podInfo, ns, name, new k8s.Models.V1DeleteOptions
            {
                GracePeriodSeconds = 0,
                Preconditions = new k8s.Models.V1Preconditions { Uid = meta["uid"]!.GetValue<string>() },
            }, ct).ConfigureAwait(false);
            return;
        }
        var phase = pod["status"]?["phase"]?.GetValue<string>();
        if (phase is "Succeeded" or "Failed")
        {
            return;
        }
        var annotations = meta["annotations"] as JsonObject;
        var now = _time.GetUtcNow().UtcDateTime;
        var start = pod["status"]?["startTime"]?.GetValue<string>() is { } st
            ? DateTime.Parse(st, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
            : now;
        var node = _nodes[pod["spec"]!["nodeName"]!.GetValue<string>()];
        var podIp = pod["status"]?["podIP"]?.GetValue<string>() ?? NextPodIp();
        var hostIp = $"10.250.{(node.Index >> 8) & 255}.{node.Index & 255}";
        string newPhase = "Running";
        int? exitCode = null;
        if (annotations?[RunSecondsAnnotation]?.GetValue<string>() is { } run
            && double.TryParse(run, CultureInfo.InvariantCulture, out var runSeconds))
        {
            var left = start.AddSeconds(runSeconds) - now;
            if (left <= TimeSpan.Zero)
            {
                exitCode = int.TryParse(annotations[ExitCodeAnnotation]?.GetValue<string>(), CultureInfo.InvariantCulture, out var code) ? code : 0;
                newPhase = exitCode == 0 ? "Succeeded" : "Failed";
            }
            else
            {
                Requeue(Informer<JsonObject>.KeyOf(pod), left);
            }
        }
        var ready = newPhase == "Running" && annotations?[NeverReadyAnnotation] is null;
        if (ready && annotations?[ReadyAfterAnnotation]?.GetValue<string>() is { } ra
            && double.TryParse(ra, CultureInfo.InvariantCulture, out var readyAfter))
        {
            var left = start.AddSeconds(readyAfter) - now;
            if (left > TimeSpan.Zero)
            {
                ready = false;
                Requeue(Informer<JsonObject>.KeyOf(pod), left);
            }
        }
        var startTime = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var nowText = Now;
        var statuses = new JsonArray();
        if (pod["spec"]?["containers"] is JsonArray containers)
        {
            foreach (var c in containers)
            {
                var cname = c?["name"]?.GetValue<string>() ?? "c";
                JsonObject state = exitCode is int ec
                    ? new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = ec, ["reason"] = ec == 0 ? "Completed" : "Error", ["startedAt"] = startTime, ["finishedAt"] = nowText, ["containerID"] = $"sim://{name}/{cname}" } }
                    : new JsonObject { ["running"] = new JsonObject { ["startedAt"] = startTime } };
                statuses.Add(new JsonObject
                {
                    ["name"] = cname,
                    ["image"] = c?["image"]?.GetValue<string>() ?? "",
                    ["imageID"] = "sim://" + (c?["image"]?.GetValue<string>() ?? ""),
                    ["containerID"] = $"sim://{name}/{cname}",
                    ["ready"] = ready,
                    ["started"] = exitCode is null,
                    ["restartCount"] = 0,
                    ["state"] = state,
                });
            }
        }
        var readyText = ready ? "True" : "False";
        var status = new JsonObject
        {
            ["phase"] = newPhase,
            ["hostIP"] = hostIp,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = hostIp }),
            ["podIP"] = podIp,
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp }),
            ["startTime"] = startTime,
            ["conditions"] = new JsonArray(
                PodCondition("PodReadyToStartContainers", exitCode is null ? "True" : "False", nowText),
                PodCondition("Initialized", "True", nowText),
                PodCondition("Ready", readyText, nowText),
                PodCondition("ContainersReady", readyText, nowText),
                PodCondition("PodScheduled", "True", nowText)),
            ["containerStatuses"] = statuses,
        };
        if (IsSame(pod["status"] as JsonObject, status))
        {
            return;
        }
        await _client.PatchAsync(_podInfo, ns, name, PatchKind.Merge,
            Encoding.UTF8.GetBytes(new JsonObject { ["status"] = status }.ToJsonString()), "status", ct).ConfigureAwait(false);
    }

    // Unchanged phase, readiness and IP: no write (a kubelet reports changes, not heartbeats, for pods).
    private static bool IsSame(JsonObject? current, JsonObject next)
    {
        if (current is null)
        {
            return false;
        }
        string? Cond(JsonObject s, string type) => (s["conditions"] as JsonArray)?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == type)?["status"]?.GetValue<string>();
        return current["phase"]?.GetValue<string>() == next["phase"]?.GetValue<string>()
            && current["podIP"]?.GetValue<string>() == next["podIP"]?.GetValue<string>()
            && Cond(current, "Ready") == Cond(next, "Ready")
            && (current["containerStatuses"] as JsonArray)?.Count == (next["containerStatuses"] as JsonArray)?.Count;
    }

    private static JsonObject PodCondition(string type, string status, string now) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = now,
    };

    private string NextPodIp()
    {
        var n = Interlocked.Increment(ref _podIpCounter);
        return $"10.{100 + ((n >> 16) & 63)}.{(n >> 8) & 255}.{n & 255}";
    }

    private void Requeue(string key, TimeSpan after)
    {
        _ = Task.Delay(after + TimeSpan.FromMilliseconds(50), _time, _stop.Token).ContinueWith(t =>
        {
            if (!t.IsCanceled && _pending.TryAdd(key, 0))
            {
                _podWork.Writer.TryWrite(key);
            }
        }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loops.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        if (_pods is not null)
        {
            await _pods.DisposeAsync().ConfigureAwait(false);
        }
        _stop.Dispose();
    }
}
