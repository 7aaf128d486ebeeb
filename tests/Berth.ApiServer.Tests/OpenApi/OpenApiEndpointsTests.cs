using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Tests.OpenApi;

/// <summary>The HTTP behaviour of the OpenAPI endpoints, as kube-openapi's handlers behave.</summary>
public sealed class OpenApiEndpointsTests(OpenApiTestHost host) : IClassFixture<OpenApiTestHost>
{
    private HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(host.Url) };

    private async Task<string> ServerRelativeUrlAsync(HttpClient client, string path)
    {
        var index = JsonNode.Parse(await client.GetStringAsync("/openapi/v3", TestContext.Current.CancellationToken))!;
        return index["paths"]![path]!["serverRelativeURL"]!.GetValue<string>();
    }

    [Fact]
    public async Task GetV3Document_CurrentHash_IsImmutableAndCarriesETag()
    {
        using var client = Client();
        var url = await ServerRelativeUrlAsync(client, "apis/apps/v1");

        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("\"" + url[(url.IndexOf("hash=", StringComparison.Ordinal) + 5)..] + "\"", response.Headers.ETag!.Tag);
        Assert.True(response.Headers.CacheControl!.Public);
        Assert.Contains("immutable", response.Headers.CacheControl.ToString());
        var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.NotNull(doc["components"]!["schemas"]!["io.k8s.api.apps.v1.Deployment"]);
    }

    [Fact]
    public async Task GetV3Document_StaleHash_RedirectsToCurrentHash()
    {
        using var client = Client();
        var url = await ServerRelativeUrlAsync(client, "api/v1");

        using var response = await client.GetAsync("/openapi/v3/api/v1?hash=0123", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(url, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task GetV3Document_IfNoneMatchCurrentETag_NotModified()
    {
        using var client = Client();
        var url = await ServerRelativeUrlAsync(client, "apis/batch/v1");
        using var first = await client.GetAsync(url, TestContext.Current.CancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task GetV3Document_UnknownGroupVersion_NotFound()
    {
        using var client = Client();

        using var response = await client.GetAsync("/openapi/v3/apis/nope.example.com/v1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetV3Document_ProtobufOnly_NotAcceptable()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v3/api/v1");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/com.github.proto-openapi.spec.v3.v1.0+protobuf"));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task GetV2_Json_ServesSwaggerDocument()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("2.0", doc["swagger"]!.GetValue<string>());
        Assert.NotNull(response.Headers.ETag);
    }
}
