using System.Runtime.CompilerServices;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.ApiServer.Registry;
using k8s.Models;

namespace Berth.ApiServer.Admission;

/// <summary>
/// kube's NamespaceLifecycle: no objects in a namespace that does not exist (404) or is terminating
/// (403), and the system namespaces cannot be deleted.
/// </summary>
public sealed class NamespaceLifecycle(Func<RestStorage> storage) : IAdmissionPlugin
{
    private static readonly HashSet<string> Immortal = ["default", "kube-system", "kube-public"];

    private static readonly ConditionalWeakTable<Berth.Storage.Cache.CachedObject, StrongBox<bool>> Terminating = new();

    public string Name => "NamespaceLifecycle";

    private static bool IsTerminating(byte[] json)
    {
        var ns = KubeJson.Deserialize<V1Namespace>(json);
        return ns.Metadata?.DeletionTimestamp is not null || ns.Status?.Phase == "Terminating";
    }

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation == AdmissionRequest.Delete && request.Resource.StorageResource == "namespaces" && Immortal.Contains(request.Name))
        {
            throw StatusException.Forbidden("namespaces", "", request.Name, "this namespace may not be deleted");
        }
        if (request.Operation != AdmissionRequest.Create || !request.Resource.Namespaced || request.Subresource.Length > 0)
        {
            return;
        }
        var s = storage();
        var nsInfo = s.Kinds.Find("", "v1", "namespaces")!;
        var key = ObjectCodec.Key(nsInfo, null, request.Namespace);
        var cached = s.Cache.Resource(ObjectCodec.Prefix(nsInfo)).Get(key);
        bool terminating;
        if (cached is not null)
        {
            terminating = Terminating.GetValue(cached, c => new StrongBox<bool>(IsTerminating(c.Json))).Value;
        }
        else if (await s.Store.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } kv)
        {
            // Created a moment ago and not in the cache yet: kube's plugin does the same live lookup.
            terminating = IsTerminating(kv.Value);
        }
        else
        {
            throw StatusException.NotFound("namespaces", "", request.Namespace);
        }
        if (terminating)
        {
            var e = StatusException.Forbidden(request.Resource.Resource, request.Resource.Group, request.Name,
                $"unable to create new content in namespace {request.Namespace} because it is being terminated");
            e.Status.Details!.Causes = [new V1StatusCause { Reason = "NamespaceTerminating", Field = "metadata.namespace", Message = $"namespace {request.Namespace} is being terminated" }];
            throw e;
        }
    }
}
