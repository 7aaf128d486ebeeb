using System.Collections.Concurrent;
using Berth.Client;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Controllers.Framework;

/// <summary>
/// Hands out one <see cref="SharedInformer{T}"/> per resource, so the workload controllers of a process
/// list and watch pods (and the rest) once. Informers start on first use and stop when the factory is disposed.
/// </summary>
public sealed class SharedInformerFactory(IApiClient client, ILoggerFactory? loggerFactory = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IAsyncDisposable> _informers = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;

    public IApiClient Client => client;

    /// <summary>The shared informer of a built-in resource (group "" for core), started.</summary>
    public SharedInformer<T> For<T>(string group, string version, string resource) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var key = $"{group}/{version}/{resource}";
        var informer = (SharedInformer<T>)_informers.GetOrAdd(key, _ =>
        {
            var info = client.Kinds.Find(group, version, resource) ?? throw new InvalidOperationException($"unknown resource {key}");
            return new SharedInformer<T>(client, info, _loggerFactory.CreateLogger("informer." + resource));
        });
        informer.Start();
        return informer;
    }

    public SharedInformer<V1Pod> Pods => For<V1Pod>("", "v1", "pods");
    public SharedInformer<V1Node> Nodes => For<V1Node>("", "v1", "nodes");
    public SharedInformer<V1PersistentVolumeClaim> PersistentVolumeClaims => For<V1PersistentVolumeClaim>("", "v1", "persistentvolumeclaims");
    public SharedInformer<V1ReplicaSet> ReplicaSets => For<V1ReplicaSet>("apps", "v1", "replicasets");
    public SharedInformer<V1Deployment> Deployments => For<V1Deployment>("apps", "v1", "deployments");
    public SharedInformer<V1StatefulSet> StatefulSets => For<V1StatefulSet>("apps", "v1", "statefulsets");
    public SharedInformer<V1DaemonSet> DaemonSets => For<V1DaemonSet>("apps", "v1", "daemonsets");
    public SharedInformer<V1ControllerRevision> ControllerRevisions => For<V1ControllerRevision>("apps", "v1", "controllerrevisions");
    public SharedInformer<V1Job> Jobs => For<V1Job>("batch", "v1", "jobs");
    public SharedInformer<V1CronJob> CronJobs => For<V1CronJob>("batch", "v1", "cronjobs");

    public async ValueTask DisposeAsync()
    {
        foreach (var i in _informers.Values)
        {
            await i.DisposeAsync().ConfigureAwait(false);
        }
        _informers.Clear();
    }
}
