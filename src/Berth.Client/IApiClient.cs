using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using k8s.Models;

namespace Berth.Client;

/// <summary>
/// How every Berth component reads and writes objects: the Kubernetes API's verbs on JSON objects.
/// One implementation calls the API server in-process, another speaks HTTPS; callers cannot tell.
/// Failures throw <see cref="Berth.Api.Errors.StatusException"/> with the server's Status.
/// </summary>
public interface IApiClient
{
    /// <summary>The resources the server serves.</summary>
    KindRegistry Kinds { get; }

    Task<JsonObject> GetAsync(ResourceInfo resource, string? ns, string name, CancellationToken cancellationToken = default);

    Task<ObjectList> ListAsync(ResourceInfo resource, string? ns, ListRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>Watches from <see cref="ListRequest.ResourceVersion"/>; ends when the server closes the watch.</summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(ResourceInfo resource, string? ns, ListRequest request, CancellationToken cancellationToken = default);

    Task<JsonObject> CreateAsync(ResourceInfo resource, string? ns, JsonObject obj, CancellationToken cancellationToken = default);

    /// <summary>Replaces an object (PUT), on the main resource or a subresource such as "status".</summary>
    Task<JsonObject> UpdateAsync(ResourceInfo resource, JsonObject obj, string? subresource = null, CancellationToken cancellationToken = default);

    Task<JsonObject> PatchAsync(ResourceInfo resource, string? ns, string name, PatchKind kind, byte[] patch, string? subresource = null,
        CancellationToken cancellationToken = default);

    Task DeleteAsync(ResourceInfo resource, string? ns, string name, V1DeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>POSTs to a subresource of an object: pods/binding (a Binding) or pods/eviction (an Eviction).</summary>
    Task CreateSubresourceAsync(ResourceInfo resource, string? ns, string name, string subresource, JsonObject body,
        CancellationToken cancellationToken = default);
}

/// <summary>The patch forms a client can send.</summary>
public enum PatchKind
{
    Json,
    Merge,
    StrategicMerge,
    Apply,
}

/// <summary>List and watch parameters.</summary>
public sealed record ListRequest
{
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    public string? ResourceVersion { get; init; }
    public long Limit { get; init; }
    public string? Continue { get; init; }
    public bool AllowWatchBookmarks { get; init; }
    public int? TimeoutSeconds { get; init; }
}

/// <summary>A page of objects and the list's resourceVersion.</summary>
public sealed record ObjectList(IReadOnlyList<JsonObject> Items, string ResourceVersion, string? Continue);

/// <summary>One watch event: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.</summary>
public sealed record WatchEvent(string Type, JsonObject Object);
