using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace Berth.Integration;

/// <summary>List semantics: pagination is a consistent snapshot; resourceVersionMatch=Exact reads the past.</summary>
[Collection(ServerCollection.Name)]
public sealed class ListSemanticsTests(ServerFixture fx)
{
    private async Task<JsonObject> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var owner = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fx.Server.Kubeconfig));
        using var req = new HttpRequestMessage(method, fx.Server.Url + path);
        if (body is not null)
        {
            req.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var resp = await owner.HttpClient.SendAsync(req, TestContext.Current.CancellationToken);
        var text = await resp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(resp.IsSuccessStatusCode, text);
        return (JsonObject)JsonNode.Parse(text)!;
    }

    private static string ConfigMap(string name, string value) =>
        $"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"{name}\"}},\"data\":{{\"v\":\"{value}\"}}}}";

    [Fact]
    public async Task Continue_AfterChanges_ReturnsTheFirstPagesSnapshot()
    {
        var ns = await fx.NamespaceAsync("pages");
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        foreach (var n in new[] { "a", "b", "c", "d", "e" })
        {
            await SendAsync(HttpMethod.Post, path, ConfigMap(n, "1"));
        }
        var first = await SendAsync(HttpMethod.Get, path + "?limit=2");
        var token = first["metadata"]!["continue"]!.GetValue<string>();
        Assert.Equal(3, first["metadata"]!["remainingItemCount"]!.GetValue<long>());
        // Change the rest of the list before reading it.
        await SendAsync(HttpMethod.Put, path + "/d", ConfigMap("d", "2"));
        await SendAsync(HttpMethod.Delete, path + "/e");
        await SendAsync(HttpMethod.Post, path, ConfigMap("f", "1"));
        var rest = await SendAsync(HttpMethod.Get, path + "?limit=10&continue=" + Uri.EscapeDataString(token));
        var items = rest["items"]!.AsArray();
        Assert.Equal(["c", "d", "e"], items.Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal("1", items[1]!["data"]!["v"]!.GetValue<string>());
        Assert.Equal(first["metadata"]!["resourceVersion"]!.GetValue<string>(), rest["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExactResourceVersion_ListsThePast()
    {
        var ns = await fx.NamespaceAsync("exact");
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        await SendAsync(HttpMethod.Post, path, ConfigMap("x", "1"));
        var then = (await SendAsync(HttpMethod.Get, path))["metadata"]!["resourceVersion"]!.GetValue<string>();
        await SendAsync(HttpMethod.Put, path + "/x", ConfigMap("x", "2"));
        await SendAsync(HttpMethod.Post, path, ConfigMap("y", "1"));
        var past = await SendAsync(HttpMethod.Get, path + "?resourceVersion=" + then + "&resourceVersionMatch=Exact");
        var items = past["items"]!.AsArray();
        Assert.Single(items);
        Assert.Equal("1", items[0]!["data"]!["v"]!.GetValue<string>());
        Assert.Equal(then, past["metadata"]!["resourceVersion"]!.GetValue<string>());
        var now = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(2, now["items"]!.AsArray().Count);
    }
}
