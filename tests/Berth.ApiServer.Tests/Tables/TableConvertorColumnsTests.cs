using Berth.Api.Kinds;
using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

/// <summary>The headers <c>kubectl get</c> and <c>kubectl get -o wide</c> print for every built-in kind.</summary>
public sealed class TableConvertorColumnsTests
{
    /// <summary>Columns as "always shown | only with -o wide", in kube-apiserver 1.33's order.</summary>
    [Theory]
    [InlineData("", "Pod", "Name,Ready,Status,Restarts,Age|IP,Node,Nominated Node,Readiness Gates")]
    [InlineData("apps", "Deployment", "Name,Ready,Up-to-date,Available,Age|Containers,Images,Selector")]
    [InlineData("apps", "ReplicaSet", "Name,Desired,Current,Ready,Age|Containers,Images,Selector")]
    [InlineData("apps", "StatefulSet", "Name,Ready,Age|Containers,Images")]
    [InlineData("apps", "DaemonSet", "Name,Desired,Current,Ready,Up-to-date,Available,Node Selector,Age|Containers,Images,Selector")]
    [InlineData("apps", "ControllerRevision", "Name,Controller,Revision,Age|")]
    [InlineData("", "ReplicationController", "Name,Desired,Current,Ready,Age|Containers,Images,Selector")]
    [InlineData("", "PodTemplate", "Name,Containers,Images,Pod Labels|")]
    [InlineData("batch", "Job", "Name,Status,Completions,Duration,Age|Containers,Images,Selector")]
    [InlineData("batch", "CronJob", "Name,Schedule,Timezone,Suspend,Active,Last Schedule,Age|Containers,Images,Selector")]
    [InlineData("", "Service", "Name,Type,Cluster-IP,External-IP,Port(s),Age|Selector")]
    [InlineData("", "Endpoints", "Name,Endpoints,Age|")]
    [InlineData("discovery.k8s.io", "EndpointSlice", "Name,AddressType,Ports,Endpoints,Age|")]
    [InlineData("", "Node", "Name,Status,Roles,Age,Version|Internal-IP,External-IP,OS-Image,Kernel-Version,Container-Runtime")]
    [InlineData("", "Namespace", "Name,Status,Age|")]
    [InlineData("", "Event", "Last Seen,Type,Reason,Object,Message|Subobject,Source,First Seen,Count,Name")]
    [InlineData("events.k8s.io", "Event", "Last Seen,Type,Reason,Object,Message|Subobject,Source,First Seen,Count,Name")]
    [InlineData("", "ConfigMap", "Name,Data,Age|")]
    [InlineData("", "Secret", "Name,Type,Data,Age|")]
    [InlineData("", "ServiceAccount", "Name,Secrets,Age|")]
    [InlineData("", "ResourceQuota", "Name,Request,Limit,Age|")]
    [InlineData("", "LimitRange", "Name,Created At|")]
    [InlineData("", "PersistentVolume", "Name,Capacity,Access Modes,Reclaim Policy,Status,Claim,StorageClass,VolumeAttributesClass,Reason,Age|VolumeMode")]
    [InlineData("", "PersistentVolumeClaim", "Name,Status,Volume,Capacity,Access Modes,StorageClass,VolumeAttributesClass,Age|VolumeMode")]
    [InlineData("networking.k8s.io", "Ingress", "Name,Class,Hosts,Address,Ports,Age|")]
    [InlineData("networking.k8s.io", "IngressClass", "Name,Controller,Parameters,Age|")]
    [InlineData("networking.k8s.io", "NetworkPolicy", "Name,Pod-Selector,Age|")]
    [InlineData("autoscaling", "HorizontalPodAutoscaler", "Name,Reference,Targets,MinPods,MaxPods,Replicas,Age|")]
    [InlineData("policy", "PodDisruptionBudget", "Name,Min Available,Max Unavailable,Allowed Disruptions,Age|")]
    [InlineData("scheduling.k8s.io", "PriorityClass", "Name,Value,Global-Default,Age,PreemptionPolicy|")]
    [InlineData("coordination.k8s.io", "Lease", "Name,Holder,Age|")]
    [InlineData("rbac.authorization.k8s.io", "Role", "Name,Created At|")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRole", "Name,Created At|")]
    [InlineData("rbac.authorization.k8s.io", "RoleBinding", "Name,Role,Age|Users,Groups,ServiceAccounts")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRoleBinding", "Name,Role,Age|Users,Groups,ServiceAccounts")]
    [InlineData("storage.k8s.io", "StorageClass", "Name,Provisioner,ReclaimPolicy,VolumeBindingMode,AllowVolumeExpansion,Age|")]
    [InlineData("apiextensions.k8s.io", "CustomResourceDefinition", "Name,Created At|")]
    public void Columns_BuiltinKind_MatchKubeApiserver(string group, string kind, string expected)
    {
        var parts = expected.Split('|');
        var columns = Convertor().Columns(Info(group, kind));
        var normal = columns.Where(c => c.Priority == 0).Select(c => c.Name);
        var wide = columns.Where(c => c.Priority == 1).Select(c => c.Name);
        Assert.Equal(parts[0].Split(','), normal);
        Assert.Equal(parts[1].Length == 0 ? [] : parts[1].Split(','), wide);
    }

    [Fact]
    public void Columns_EveryBuiltinResource_HasNameColumnAndCellsForEachColumn()
    {
        var convertor = Convertor();
        foreach (var info in BuiltinKinds.Resources)
        {
            var columns = convertor.Columns(info);
            Assert.Contains(columns, c => c.Name == "Name" && c.Format == "name");
            Assert.All(columns, c => Assert.False(string.IsNullOrEmpty(c.Description), $"{info}: {c.Name} has no description"));
            var row = convertor.Row(info, Parse("""{"metadata":{"name":"x"}}"""), Berth.ApiServer.Tables.IncludeObject.None);
            Assert.Equal(columns.Count, row.Cells.Count);
        }
    }

    [Fact]
    public void Columns_PodColumnTypes_MatchKube()
    {
        var columns = Convertor().Columns(Info("", "Pod"));
        Assert.All(columns, c => Assert.Equal("string", c.Type));
        Assert.Equal("name", columns[0].Format);
        Assert.StartsWith("Name must be unique within a namespace.", columns[0].Description, StringComparison.Ordinal);
        Assert.StartsWith("CreationTimestamp is a timestamp", columns[4].Description, StringComparison.Ordinal);
    }
}
