using Berth.ApiServer.OpenApi;
using k8s.Models;

namespace Berth.ApiServer.Tests.OpenApi;

public sealed class DefinitionNamesTests
{
    [Theory]
    [InlineData(typeof(V1Deployment), "io.k8s.api.apps.v1.Deployment")]
    [InlineData(typeof(V1DeploymentSpec), "io.k8s.api.apps.v1.DeploymentSpec")]
    [InlineData(typeof(V1PodSpec), "io.k8s.api.core.v1.PodSpec")]
    [InlineData(typeof(V1PodTemplateSpec), "io.k8s.api.core.v1.PodTemplateSpec")]
    [InlineData(typeof(V1Container), "io.k8s.api.core.v1.Container")]
    [InlineData(typeof(V1ObjectMeta), "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")]
    [InlineData(typeof(V1LabelSelector), "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector")]
    [InlineData(typeof(V1Status), "io.k8s.apimachinery.pkg.apis.meta.v1.Status")]
    [InlineData(typeof(V1DeleteOptions), "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions")]
    [InlineData(typeof(V1Condition), "io.k8s.apimachinery.pkg.apis.meta.v1.Condition")]
    [InlineData(typeof(VersionInfo), "io.k8s.apimachinery.pkg.version.Info")]
    [InlineData(typeof(Corev1Event), "io.k8s.api.core.v1.Event")]
    [InlineData(typeof(Eventsv1Event), "io.k8s.api.events.v1.Event")]
    [InlineData(typeof(Eventsv1EventSeries), "io.k8s.api.events.v1.EventSeries")]
    [InlineData(typeof(V1EventSource), "io.k8s.api.core.v1.EventSource")]
    [InlineData(typeof(Rbacv1Subject), "io.k8s.api.rbac.v1.Subject")]
    [InlineData(typeof(V1ClusterRoleBinding), "io.k8s.api.rbac.v1.ClusterRoleBinding")]
    [InlineData(typeof(V1Scale), "io.k8s.api.autoscaling.v1.Scale")]
    [InlineData(typeof(V1CrossVersionObjectReference), "io.k8s.api.autoscaling.v1.CrossVersionObjectReference")]
    [InlineData(typeof(V2HorizontalPodAutoscalerSpec), "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec")]
    [InlineData(typeof(V1Eviction), "io.k8s.api.policy.v1.Eviction")]
    [InlineData(typeof(V1EndpointSlice), "io.k8s.api.discovery.v1.EndpointSlice")]
    [InlineData(typeof(V1Endpoint), "io.k8s.api.discovery.v1.Endpoint")]
    [InlineData(typeof(V1EndpointAddress), "io.k8s.api.core.v1.EndpointAddress")]
    [InlineData(typeof(V1IngressClassSpec), "io.k8s.api.networking.v1.IngressClassSpec")]
    [InlineData(typeof(V1TopologySelectorTerm), "io.k8s.api.core.v1.TopologySelectorTerm")]
    [InlineData(typeof(V1StorageClass), "io.k8s.api.storage.v1.StorageClass")]
    [InlineData(typeof(V1LeaseSpec), "io.k8s.api.coordination.v1.LeaseSpec")]
    [InlineData(typeof(V1CustomResourceDefinition), "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition")]
    [InlineData(typeof(V1JSONSchemaProps), "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps")]
    [InlineData(typeof(Authenticationv1TokenRequest), "io.k8s.api.authentication.v1.TokenRequest")]
    public void For_ModelType_ReturnsKubernetesDefinitionName(Type type, string expected) =>
        Assert.Equal(expected, DefinitionNames.For(type));

    [Fact]
    public void ForCustom_Group_ReversesItLikeKubeApiserver() =>
        Assert.Equal("com.example.stable.v1.CronTab", DefinitionNames.ForCustom("stable.example.com", "v1", "CronTab"));
}
