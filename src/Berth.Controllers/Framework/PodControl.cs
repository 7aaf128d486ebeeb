using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Events;
using k8s.Models;

namespace Berth.Controllers.Framework;

/// <summary>
/// Creates and deletes pods for a controller and records the events Kubernetes' RealPodControl records on
/// the owner: SuccessfulCreate "Created pod: x", FailedCreate "Error creating: …", SuccessfulDelete
/// "Deleted pod: x", FailedDelete "Error deleting: …".
/// </summary>
public sealed class PodControl(IApiClient client, EventRecorder recorder)
{
    public const string SuccessfulCreate = "SuccessfulCreate";
    public const string FailedCreate = "FailedCreate";
    public const string SuccessfulDelete = "SuccessfulDelete";
    public const string FailedDelete = "FailedDelete";

    private readonly ResourceInfo _pods = client.Kinds.Find("", "v1", "pods")!;

    public IApiClient Client => client;

    /// <summary>
    /// The pod a template describes (controller.GetPodFromTemplate): the template's labels, annotations,
    /// finalizers and spec, a generateName of "&lt;owner&gt;-", and the controller reference.
    /// </summary>
    public static V1Pod PodFromTemplate(V1PodTemplateSpec template, string ownerName, V1OwnerReference? controllerRef)
    {
        var copy = KubeObjects.Clone(template);
        var meta = copy.Metadata ?? new V1ObjectMeta();
        var prefix = ownerName + "-";
        if (Berth.Api.Validation.NameRules.Dns1123Subdomain(Berth.Api.Validation.NameRules.MaskTrailingDash(prefix)).Count > 0)
        {
            prefix = ownerName;
        }
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Labels = meta.Labels,
                Annotations = meta.Annotations,
                Finalizers = meta.Finalizers,
                GenerateName = prefix,
                OwnerReferences = controllerRef is null ? null : [controllerRef],
            },
            Spec = copy.Spec,
        };
    }

    /// <summary>Creates a pod from the template; throws (after recording FailedCreate) when the server refuses.</summary>
    public Task<V1Pod> CreatePodAsync(string ns, V1PodTemplateSpec template, JsonObject owner, V1OwnerReference controllerRef,
        CancellationToken ct) => CreatePodAsync(ns, PodFromTemplate(template, controllerRef.Name, controllerRef), owner, ct);

    /// <summary>Creates a prepared pod (labels required, as kube requires).</summary>
    public async Task<V1Pod> CreatePodAsync(string ns, V1Pod pod, JsonObject owner, CancellationToken ct)
    {
        if (pod.Metadata.Labels is not { Count: > 0 })
        {
            throw new InvalidOperationException("unable to create pods, no labels");
        }
        pod.Metadata.NamespaceProperty = ns;
        try
        {
            var created = await client.CreateAsync(_pods, ns, KubeObjects.ToJson(pod, "v1", "Pod"), ct).ConfigureAwait(false);
            var result = KubeJson.Deserialize<V1Pod>(created);
            recorder.Event(owner, EventRecorder.Normal, SuccessfulCreate, $"Created pod: {result.Metadata.Name}");
            return result;
        }
        catch (StatusException e)
        {
            if (!IsNamespaceTerminating(e))
            {
                recorder.Event(owner, EventRecorder.Warning, FailedCreate, $"Error creating: {e.Message}");
            }
            throw;
        }
    }

    /// <summary>Deletes a pod; a pod already gone throws 404 without an event, as kube does.</summary>
    public async Task DeletePodAsync(string ns, string name, JsonObject owner, CancellationToken ct, V1DeleteOptions? options = null)
    {
        try
        {
            await client.DeleteAsync(_pods, ns, name, options, ct).ConfigureAwait(false);
            recorder.Event(owner, EventRecorder.Normal, SuccessfulDelete, $"Deleted pod: {name}");
        }
        catch (StatusException e) when (e.Code != 404)
        {
            recorder.Event(owner, EventRecorder.Warning, FailedDelete, $"Error deleting: {e.Message}");
            throw;
        }
    }

    /// <summary>Applies a strategic merge patch to a pod.</summary>
    public Task PatchPodAsync(string ns, string name, JsonObject patch, CancellationToken ct) =>
        client.PatchAsync(_pods, ns, name, PatchKind.StrategicMerge, Encoding.UTF8.GetBytes(patch.ToJsonString()), null, ct);

    /// <summary>The API server refused because the namespace is being deleted (NamespaceTerminating cause).</summary>
    public static bool IsNamespaceTerminating(StatusException e) =>
        e.Status.Details?.Causes?.Any(c => c.Reason == "NamespaceTerminating") == true
        || (e.Code == 403 && e.Message.Contains("because it is being terminated", StringComparison.Ordinal));
}
