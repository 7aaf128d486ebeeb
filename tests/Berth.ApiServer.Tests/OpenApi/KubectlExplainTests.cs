namespace Berth.ApiServer.Tests.OpenApi;

/// <summary>The real kubectl 1.33 reading <see cref="Berth.ApiServer.OpenApi.OpenApiService"/>'s documents.</summary>
public sealed class KubectlExplainTests(OpenApiTestHost host) : IClassFixture<OpenApiTestHost>
{
    private async Task<string> ExplainAsync(params string[] args)
    {
        if (!OpenApiTestHost.KubectlAvailable())
        {
            Assert.Skip("kubectl 1.33 is not installed");
        }
        var (exit, stdout, stderr) = await host.KubectlAsync("", ["explain", .. args]);
        Assert.True(exit == 0, "kubectl explain failed: " + stderr);
        TestContext.Current.TestOutputHelper?.WriteLine(stdout);
        return stdout;
    }

    [Fact]
    public async Task Explain_DeploymentSpecStrategy_PrintsFieldsAndDescriptions()
    {
        var output = await ExplainAsync("deployment.spec.strategy");

        Assert.Contains("GROUP:      apps", output);
        Assert.Contains("KIND:       Deployment", output);
        Assert.Contains("VERSION:    v1", output);
        Assert.Contains("FIELD: strategy <DeploymentStrategy>", output);
        Assert.Contains("The deployment strategy to use to replace existing pods with new ones.", output);
        Assert.Contains("DeploymentStrategy describes how to replace existing pods with new ones.", output);
        Assert.Contains("rollingUpdate\t<RollingUpdateDeployment>", output);
        Assert.Contains("type\t<string>\n  enum: Recreate, RollingUpdate", output);
        Assert.Contains("- `\"Recreate\"` Kill all existing pods before creating new ones.", output);
    }

    [Fact]
    public async Task Explain_PodsSpecContainersRecursive_ListsNestedFieldsAndRequired()
    {
        var output = await ExplainAsync("pods.spec.containers", "--recursive");

        Assert.Contains("KIND:       Pod", output);
        Assert.Contains("FIELD: containers <[]Container>", output);
        Assert.Contains("name\t<string> -required-", output);
        Assert.Contains("  livenessProbe\t<Probe>", output);
        Assert.Contains("    httpGet\t<HTTPGetAction>", output);
        Assert.Contains("      port\t<IntOrString> -required-", output);
        Assert.Contains("  resources\t<ResourceRequirements>", output);
        Assert.Contains("    limits\t<map[string]Quantity>", output);
    }

    [Fact]
    public async Task Explain_CustomResourceSpec_UsesTheCrdSchema()
    {
        var output = await ExplainAsync("crontabs.spec");

        Assert.Contains("GROUP:      stable.example.com", output);
        Assert.Contains("KIND:       CronTab", output);
        Assert.Contains("Desired schedule.", output);
        Assert.Contains("cronSpec\t<string> -required-", output);
        Assert.Contains("Cron schedule.", output);
    }

    // kubectl 1.27 and 1.28 also read /openapi/v2 in explain, and only as protobuf, which this host does not encode.
    [Theory]
    [InlineData("1.29")]
    [InlineData("1.30")]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public async Task Explain_OlderKubectl_ReadsTheV3Documents(string version)
    {
        if (!OpenApiTestHost.KubectlAvailable(version))
        {
            Assert.Skip("kubectl " + version + " is not installed");
        }

        var (exit, stdout, stderr) = await host.KubectlVersionAsync(version, "", "explain", "deployment.spec.strategy");

        Assert.True(exit == 0, "kubectl " + version + " explain failed: " + stderr);
        Assert.Contains("rollingUpdate", stdout);
        Assert.Contains("Type of deployment.", stdout);
    }

    // kubectl 1.27 and 1.28 detect field validation from /openapi/v2 (protobuf only), which this host does not encode.
    [Theory]
    [InlineData("1.29")]
    [InlineData("1.30")]
    [InlineData("1.31")]
    [InlineData("1.32")]
    [InlineData("1.33")]
    public async Task Create_ValidateStrictWithUnknownField_LeavesValidationToTheServer(string version)
    {
        // With server-side field validation detected, kubectl skips its own schema check (which would reject the
        // unknown field) and sends fieldValidation=Strict for the server to enforce.
        if (!OpenApiTestHost.KubectlAvailable(version))
        {
            Assert.Skip("kubectl " + version + " is not installed");
        }
        const string manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web-{{VERSION}}
            spec:
              bogusField: 1
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: busybox
            """;

        var (exit, stdout, stderr) = await host.KubectlVersionAsync(version, manifest.Replace("{{VERSION}}", version, StringComparison.Ordinal),
            "create", "--validate=strict", "-f", "-");

        Assert.True(exit == 0, "kubectl create failed: " + stderr);
        Assert.Contains("deployment.apps/web-" + version + " created", stdout);
        var request = Assert.Single(host.Creates, c => c.Contains("/deployments?", StringComparison.Ordinal) && c.Contains("web-" + version, StringComparison.Ordinal));
        Assert.Contains("fieldValidation=Strict", request);
    }
}
