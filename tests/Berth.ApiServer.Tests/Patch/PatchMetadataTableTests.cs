using Berth.Api.Schema;
using k8s.Models;

namespace Berth.ApiServer.Tests.Patch;

/// <summary>Entries of <see cref="PatchMetadata"/> checked against the k8s.io/api struct tags the patch code relies on.</summary>
public sealed class PatchMetadataTableTests
{
    public static TheoryData<Type, string, string?, string?> Tags => new()
    {
        { typeof(V1PodSpec), "containers", "merge", "name" },
        { typeof(V1PodSpec), "volumes", "merge,retainKeys", "name" },
        { typeof(V1PodSpec), "resourceClaims", "merge,retainKeys", "name" },
        { typeof(V1PodSpec), "topologySpreadConstraints", "merge", "topologyKey" },
        { typeof(V1PodSpec), "tolerations", null, null },
        { typeof(V1Container), "ports", "merge", "containerPort" },
        { typeof(V1Container), "volumeMounts", "merge", "mountPath" },
        { typeof(V1Container), "args", null, null },
        { typeof(V1PodStatus), "conditions", "merge", "type" },
        { typeof(V1PodStatus), "resourceClaimStatuses", "merge,retainKeys", "name" },
        { typeof(V1PodStatus), "containerStatuses", null, null },
        { typeof(V1ContainerStatus), "volumeMounts", "merge", "mountPath" },
        { typeof(V1NodeStatus), "addresses", "merge", "type" },
        { typeof(V1ServiceSpec), "ports", "merge", "port" },
        { typeof(V1ServiceAccount), "secrets", "merge", "name" },
        { typeof(V1ObjectMeta), "finalizers", "merge", null },
        { typeof(V1ObjectMeta), "ownerReferences", "merge", "uid" },
        { typeof(V1DeploymentSpec), "strategy", "retainKeys", null },
        { typeof(V1JobStatus), "conditions", "merge", "type" },
        { typeof(V2HorizontalPodAutoscalerStatus), "conditions", "merge", "type" },
        { typeof(V1ComponentStatus), "conditions", "merge", "type" },
        { typeof(V1ReplicationControllerStatus), "conditions", "merge", "type" },
    };

    [Theory]
    [MemberData(nameof(Tags))]
    public void Lookup_BuiltinField_MatchesStructTags(Type type, string field, string? strategy, string? mergeKey)
    {
        var meta = PatchMetadata.Lookup(type, field);
        Assert.Equal(strategy, meta?.Strategy);
        Assert.Equal(mergeKey, meta?.MergeKey);
    }
}
