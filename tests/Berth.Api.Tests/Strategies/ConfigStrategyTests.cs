using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Strategies;

public sealed class ConfigStrategyTests
{
    [Fact]
    public void Create_SecretWithStringData_MergesIntoDataAndDefaultsType()
    {
        var secret = StrategyHarness.Created("""
            apiVersion: v1
            kind: Secret
            metadata: {name: db}
            data: {user: YWRtaW4=}
            stringData: {password: s3cret, user: root}
            """);
        Assert.Equal("Opaque", secret["type"]!.GetValue<string>());
        Assert.Null(secret["stringData"]);
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"user":"cm9vdA==","password":"czNjcmV0"}"""), secret["data"]);
    }

    [Fact]
    public void Create_TlsSecretWithBadKey_ReportsKeyAndMissingData()
    {
        var secret = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Secret
            metadata: {name: tls}
            type: kubernetes.io/tls
            data: {"bad key": eA==}
            """);
        Assert.Equal(
        [
            "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            "data[tls.crt]: Required value",
            "data[tls.key]: Required value",
        ], StrategyHarness.Create(secret));
    }

    [Fact]
    public void Update_SecretType_IsImmutable()
    {
        var old = StrategyHarness.Created("""
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            data: {a: eA==}
            """);
        var secret = (JsonObject)old.DeepClone();
        secret["type"] = "example.com/custom";
        Assert.Equal(["type: Invalid value: \"example.com/custom\": field is immutable"], StrategyHarness.Update(secret, old));
    }

    [Fact]
    public void Create_ConfigMapTooLargeOrBadKeys_IsRejected()
    {
        var cm = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "big" },
            ["data"] = new JsonObject { ["a"] = new string('x', 1024 * 1024), [".."] = "x" },
            ["binaryData"] = new JsonObject { ["a"] = "eA==" },
        };
        Assert.Equal(
        [
            "data[a]: Invalid value: \"a\": duplicate of key present in binaryData",
            "data[..]: Invalid value: \"..\": must not be '..'",
            "[]: Too long: must have at most 1048576 bytes",
        ], StrategyHarness.Create(cm));
    }

    [Fact]
    public void Update_ImmutableConfigMap_RejectsDataChanges()
    {
        var old = StrategyHarness.Created("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            immutable: true
            data: {a: "1"}
            """);
        var cm = (JsonObject)old.DeepClone();
        cm["data"]!["a"] = "2";
        cm["immutable"] = false;
        Assert.Equal(
        [
            "immutable: Forbidden: field is immutable when `immutable` is set",
            "data: Forbidden: field is immutable when `immutable` is set",
        ], StrategyHarness.Update(cm, old));
    }
}
