namespace Berth.Api.Kinds;

/// <summary>
/// Everything the API server knows about one served resource of one group-version: its REST name,
/// kind, scope, discovery facts and (for built-in kinds) the <c>k8s.Models</c> type that holds it.
/// </summary>
/// <remarks>
/// Custom resources have <see cref="ModelType"/> null and are handled as plain JSON. The
/// <see cref="StorageResource"/> names the etcd-style key prefix; two versions of one group-resource
/// (autoscaling/v1 and v2 HorizontalPodAutoscaler) share it, as Kubernetes stores both in one place.
/// </remarks>
public sealed record ResourceInfo
{
    public required string Group { get; init; }
    public required string Version { get; init; }
    /// <summary>Plural resource name as used in URLs, e.g. <c>deployments</c>.</summary>
    public required string Resource { get; init; }
    public required string Kind { get; init; }
    public required bool Namespaced { get; init; }
    public string Singular { get; init; } = "";
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Verbs { get; init; } = AllVerbs;
    /// <summary>Subresources served besides the main resource: status, scale, binding, eviction, log, exec…</summary>
    public IReadOnlyList<string> Subresources { get; init; } = [];
    /// <summary>The <c>k8s.Models</c> type, or null for custom resources (schemaless JSON plus openAPIV3Schema).</summary>
    public Type? ModelType { get; init; }
    /// <summary>Group-resource of the stored form; shared between versions of one resource.</summary>
    public string StorageResource => string.IsNullOrEmpty(Group) ? Resource : Resource + "." + Group;
    /// <summary>Whether this version is the one that discovery lists first (the preferred version).</summary>
    public bool Preferred { get; init; } = true;
    /// <summary>For custom resources: the CRD that defines them (name), so deletes can cascade.</summary>
    public string? CustomResourceDefinition { get; init; }

    /// <summary>For custom resources: this version's <c>openAPIV3Schema</c> from the CRD, as JSON (null when none).</summary>
    public System.Text.Json.Nodes.JsonObject? CustomSchema { get; init; }

    /// <summary>For custom resources: this version's <c>additionalPrinterColumns</c>.</summary>
    public IReadOnlyList<k8s.Models.V1CustomResourceColumnDefinition>? PrinterColumns { get; init; }

    /// <summary>For custom resources: the CRD's storage version, when it differs from this version objects are converted (conversion strategy None).</summary>
    public string? StorageVersion { get; init; }

    /// <summary>For custom resources with a scale subresource: its paths.</summary>
    public k8s.Models.V1CustomResourceSubresourceScale? ScaleSubresource { get; init; }

    public string ApiVersion => string.IsNullOrEmpty(Group) ? Version : Group + "/" + Version;
    public string GroupVersion => ApiVersion;
    public string ListKind => Kind + "List";

    public static readonly IReadOnlyList<string> AllVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static readonly IReadOnlyList<string> ReadOnlyVerbs = ["get", "list", "watch"];

    public override string ToString() => $"{Resource}.{ApiVersion}";
}
