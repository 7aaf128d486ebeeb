using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Strategies;

public sealed class NamespaceStrategyTests
{
    [Fact]
    public void Create_Namespace_GetsNameLabelActivePhaseAndKubernetesFinalizer()
    {
        var ns = StrategyHarness.Created("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: team-a}
            """);
        Assert.Equal("team-a", ns["metadata"]!["labels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"finalizers":["kubernetes"]}"""), ns["spec"]);
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"phase":"Active"}"""), ns["status"]);
    }

    [Fact]
    public void Update_SpecFinalizers_KeepTheStoredValue()
    {
        var old = StrategyHarness.Created("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: team-a}
            """);
        var ns = (JsonObject)old.DeepClone();
        ns["spec"] = new JsonObject { ["finalizers"] = new JsonArray() };
        ns["metadata"]!["labels"]!["tier"] = "gold";
        Assert.Empty(StrategyHarness.Update(ns, old));
        StrategyHarness.AssertJson(new JsonArray("kubernetes"), ns["spec"]!["finalizers"]);
    }

    [Fact]
    public void Create_BadFinalizerAndName_AreRejected()
    {
        var ns = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: Team_A}
            spec: {finalizers: [cleanup]}
            """);
        Assert.Equal(
        [
            "metadata.name: Invalid value: \"Team_A\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "spec.finalizers: Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified",
        ], StrategyHarness.Create(ns));
    }
}
