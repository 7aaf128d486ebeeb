using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace Berth.Integration;

/// <summary>Bad input gets a Kubernetes Status with the right code, nothing is written, and the server stays up.</summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputTests(ServerFixture fx)
{
    private HttpClient Http(out Kubernetes owner)
    {
        owner = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fx.Server.Kubeconfig));
        return owner.HttpClient;
    }

    private async Task<(HttpStatusCode Code, JsonObject? Status)> SendAsync(HttpMethod method, string path, string? body, string contentType = "application/json")
    {
        var http = Http(out var owner);
        using var _ = owner;
        using var req = new HttpRequestMessage(method, fx.Server.Url + path);
        if (body is not null)
        {
            req.Content = new StringContent(body, Encoding.UTF8);
            req.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }
        using var resp = await http.SendAsync(req, TestContext.Current.CancellationToken);
        var text = await resp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonObject? status = null;
        try
        {
            status = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return (resp.StatusCode, status);
    }

    private async Task AssertNotStoredAsync(string ns, string name)
    {
        var (code, _) = await SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/{name}", null);
        Assert.Equal(HttpStatusCode.NotFound, code);
    }

    [Fact]
    public async Task Create_MalformedJson_Is400Status()
    {
        var (code, status) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "{\"metadata\": {\"name\": \"bad1\"");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("Status", status!["kind"]!.GetValue<string>());
        Assert.Equal("BadRequest", status["reason"]!.GetValue<string>());
        await AssertNotStoredAsync("default", "bad1");
    }

    [Fact]
    public async Task Create_MalformedYaml_Is400Status()
    {
        var (code, status) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            "metadata:\n  name: bad2\n data: [unclosed", "application/yaml");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal(400, status!["code"]!.GetValue<int>());
        await AssertNotStoredAsync("default", "bad2");
    }

    [Fact]
    public async Task Create_UnknownAndDuplicateFieldsUnderStrict_Is400NamingThem()
    {
        var body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"bad3\",\"name\":\"bad3\"},\"bogus\":1,\"data\":{\"a\":\"b\"}}";
        var (code, status) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", body);
        Assert.Equal(HttpStatusCode.BadRequest, code);
        var message = status!["message"]!.GetValue<string>();
        Assert.Contains("unknown field \"bogus\"", message);
        Assert.Contains("duplicate field \"metadata.name\"", message);
        await AssertNotStoredAsync("default", "bad3");
    }

    [Fact]
    public async Task Create_UnknownFieldUnderWarn_SucceedsWithWarningHeader()
    {
        var http = Http(out var owner);
        using var _ = owner;
        var name = "warn-" + Guid.NewGuid().ToString("n")[..6];
        using var req = new HttpRequestMessage(HttpMethod.Post, fx.Server.Url + "/api/v1/namespaces/default/configmaps?fieldValidation=Warn")
        {
            Content = new StringContent($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"{name}\"}},\"extra\":true}}", Encoding.UTF8, "application/json"),
        };
        using var resp = await http.SendAsync(req, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, resp.StatusCode);
        Assert.Contains(resp.Headers.GetValues("Warning"), w => w.Contains("unknown field \\\"extra\\\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_BodyOver3MiB_Is413()
    {
        var big = new string('x', 3 * 1024 * 1024 + 10);
        var (code, status) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            $"{{\"metadata\":{{\"name\":\"bad4\"}},\"data\":{{\"a\":\"{big}\"}}}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        Assert.Equal("RequestEntityTooLarge", status!["reason"]!.GetValue<string>());
        await AssertNotStoredAsync("default", "bad4");
    }

    [Fact]
    public async Task Create_UnsupportedContentType_Is415()
    {
        var (code, status) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "name=bad5", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
        Assert.Equal("UnsupportedMediaType", status!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_Twice_Is409AlreadyExists()
    {
        var body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"twice\"}}";
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", body);
        var (code, status) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", body);
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("AlreadyExists", status!["reason"]!.GetValue<string>());
        Assert.Equal("configmaps \"twice\" already exists", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WrongTypeForField_Is400()
    {
        var (code, _) = await SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments",
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"bad6\"},\"spec\":{\"replicas\":\"many\"}}");
        Assert.Equal(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Get_Missing_Is404WithKubeMessage()
    {
        var (code, status) = await SendAsync(HttpMethod.Get, "/apis/apps/v1/namespaces/default/deployments/nope", null);
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("deployments.apps \"nope\" not found", status!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_FromCompactedRevision_ReturnsExpiredErrorEvent()
    {
        var http = Http(out var owner);
        using var _ = owner;
        using var resp = await http.GetAsync(fx.Server.Url + "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&timeoutSeconds=2",
            TestContext.Current.CancellationToken);
        var text = await resp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        // Revision 1 predates this server's watch cache window only once compacted or rolled over; a fresh
        // server still has it, so either the replay starts or kube's Expired error comes back in the stream.
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        if (text.Contains("\"ERROR\"", StringComparison.Ordinal))
        {
            Assert.Contains("\"code\":410", text);
            Assert.Contains("Expired", text);
        }
    }

    [Fact]
    public async Task Server_AfterGarbage_StillServes()
    {
        var rnd = new Random(42);
        for (var i = 0; i < 50; i++)
        {
            var bytes = new byte[rnd.Next(1, 2000)];
            rnd.NextBytes(bytes);
            var (code, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Encoding.Latin1.GetString(bytes),
                i % 3 == 0 ? "application/json" : i % 3 == 1 ? "application/yaml" : "application/vnd.kubernetes.protobuf");
            Assert.True((int)code is 400 or 415 or 422, $"garbage body {i} answered {(int)code}");
        }
        var types = new[] { "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml" };
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[rnd.Next(1, 500)];
            rnd.NextBytes(bytes);
            var (code, _) = await SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default?fieldManager=fuzz", Encoding.Latin1.GetString(bytes), types[i % types.Length]);
            Assert.True((int)code is 400 or 409 or 415 or 422 or 500, $"garbage patch {i} answered {(int)code}");
        }
        var (ok, _) = await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default", null);
        Assert.Equal(HttpStatusCode.OK, ok);
    }
}
