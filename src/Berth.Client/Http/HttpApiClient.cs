using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using k8s.Models;

namespace Berth.Client.Http;

/// <summary>
/// <see cref="IApiClient"/> over HTTPS, for components in another process or on another machine (node
/// agents, tools, tests). Authenticates with the kubeconfig's client certificate or token and trusts only
/// the kubeconfig's CA.
/// </summary>
public sealed class HttpApiClient : IApiClient, IDisposable
{
    private readonly HttpClient _http;
    private readonly string _server;
    private readonly string _fieldManager;

    public HttpApiClient(string server, HttpMessageHandler handler, string fieldManager, KindRegistry? kinds = null)
    {
        _server = server.TrimEnd('/');
        _fieldManager = fieldManager;
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(fieldManager + "/berth");
        Kinds = kinds ?? new KindRegistry();
    }

    public KindRegistry Kinds { get; }

    /// <summary>Builds a client from a kubeconfig file (its current context).</summary>
    public static HttpApiClient FromKubeconfig(string path, string fieldManager)
    {
        var config = k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        X509Certificate2? clientCert = null;
        if (!string.IsNullOrEmpty(config.ClientCertificateData) && !string.IsNullOrEmpty(config.ClientCertificateKeyData))
        {
            using var pem = X509Certificate2.CreateFromPem(
                Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData)),
                Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData)));
            clientCert = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        var cas = config.SslCaCerts;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 32,
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCert is null ? null : [clientCert],
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    if (errors == SslPolicyErrors.None)
                    {
                        return true;
                    }
                    if (cert is not X509Certificate2 c2 || cas is null || cas.Count == 0)
                    {
                        return false;
                    }
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    chain.ChainPolicy.CustomTrustStore.AddRange(cas);
                    return chain.Build(c2);
                },
            },
        };
        var client = new HttpApiClient(config.Host, handler, fieldManager);
        if (!string.IsNullOrEmpty(config.AccessToken))
        {
            client._http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", config.AccessToken);
        }
        return client;
    }

    private string Path(ResourceInfo r, string? ns, string? name = null, string? sub = null)
    {
        var sb = new StringBuilder(_server);
        sb.Append(string.IsNullOrEmpty(r.Group) ? "/api/" + r.Version : $"/apis/{r.Group}/{r.Version}");
        if (r.Namespaced && !string.IsNullOrEmpty(ns))
        {
            sb.Append("/namespaces/").Append(Uri.EscapeDataString(ns));
        }
        sb.Append('/').Append(r.Resource);
        if (!string.IsNullOrEmpty(name))
        {
            sb.Append('/').Append(Uri.EscapeDataString(name));
        }
        if (!string.IsNullOrEmpty(sub))
        {
            sb.Append('/').Append(sub);
        }
        return sb.ToString();
    }

    private static string Query(ListRequest? r, bool watch)
    {
        var q = new List<string>();
        if (watch)
        {
            q.Add("watch=true");
        }
        if (r is not null)
        {
            if (!string.IsNullOrEmpty(r.LabelSelector))
            {
                q.Add("labelSelector=" + Uri.EscapeDataString(r.LabelSelector));
            }
            if (!string.IsNullOrEmpty(r.FieldSelector))
            {
                q.Add("fieldSelector=" + Uri.EscapeDataString(r.FieldSelector));
            }
            if (!string.IsNullOrEmpty(r.ResourceVersion))
            {
                q.Add("resourceVersion=" + Uri.EscapeDataString(r.ResourceVersion));
            }
            if (r.Limit > 0)
            {
                q.Add("limit=" + r.Limit.ToString(CultureInfo.InvariantCulture));
            }
            if (!string.IsNullOrEmpty(r.Continue))
            {
                q.Add("continue=" + Uri.EscapeDataString(r.Continue));
            }
            if (r.AllowWatchBookmarks && watch)
            {
                q.Add("allowWatchBookmarks=true");
            }
            if (r.TimeoutSeconds is int t)
            {
                q.Add("timeoutSeconds=" + t.ToString(CultureInfo.InvariantCulture));
            }
        }
        return q.Count == 0 ? "" : "?" + string.Join('&', q);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string url, JsonNode? body, string contentType, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            req.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
            req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return await SendAsync(req, ct).ConfigureAwait(false);
    }

    private async Task<JsonObject> SendAsync(HttpRequestMessage req, CancellationToken ct)
    {
        using var resp = await _http.SendAsync(req, ct).ConfigureAwait(false);
        var bytes = await resp.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (!resp.IsSuccessStatusCode)
        {
            throw ToStatus(resp.StatusCode, bytes);
        }
        return KubeJson.ParseObject(bytes);
    }

    private static StatusException ToStatus(HttpStatusCode code, byte[] body)
    {
        try
        {
            var status = KubeJson.Deserialize<V1Status>(body);
            if (status.Kind == "Status")
            {
                status.Code ??= (int)code;
                return new StatusException(status);
            }
        }
        catch (JsonException)
        {
        }
        return StatusException.Create((int)code, code.ToString(), Encoding.UTF8.GetString(body));
    }

    private string WithManager(string url) => url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "fieldManager=" + Uri.EscapeDataString(_fieldManager);

    public Task<JsonObject> GetAsync(ResourceInfo resource, string? ns, string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Path(resource, ns, name), null, "", cancellationToken);

    public async Task<ObjectList> ListAsync(ResourceInfo resource, string? ns, ListRequest? request = null, CancellationToken cancellationToken = default)
    {
        var list = await SendAsync(HttpMethod.Get, Path(resource, ns) + Query(request, false), null, "", cancellationToken).ConfigureAwait(false);
        var items = new List<JsonObject>();
        if (list["items"] is JsonArray arr)
        {
            foreach (var i in arr.ToList())
            {
                if (i is JsonObject o)
                {
                    arr.Remove(o);
                    o["apiVersion"] ??= resource.ApiVersion;
                    o["kind"] ??= resource.Kind;
                    items.Add(o);
                }
            }
        }
        return new ObjectList(items, list["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "", list["metadata"]?["continue"]?.GetValue<string>());
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceInfo resource, string? ns, ListRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, Path(resource, ns) + Query(request, true));
        using var resp = await _http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!resp.IsSuccessStatusCode)
        {
            throw ToStatus(resp.StatusCode, await resp.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        }
        using var stream = await resp.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                yield break;
            }
            catch (HttpRequestException)
            {
                yield break;
            }
            if (line is null)
            {
                yield break;
            }
            if (line.Length == 0)
            {
                continue;
            }
            var e = JsonNode.Parse(line) as JsonObject;
            if (e?["type"]?.GetValue<string>() is { } type && e["object"] is JsonObject obj)
            {
                e.Remove("object");
                yield return new WatchEvent(type, obj);
            }
        }
    }

    public Task<JsonObject> CreateAsync(ResourceInfo resource, string? ns, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, WithManager(Path(resource, ns ?? obj["metadata"]?["namespace"]?.GetValue<string>())), obj, "application/json", cancellationToken);

    public Task<JsonObject> UpdateAsync(ResourceInfo resource, JsonObject obj, string? subresource = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, WithManager(Path(resource, obj["metadata"]?["namespace"]?.GetValue<string>(), obj["metadata"]?["name"]?.GetValue<string>(), subresource)),
            obj, "application/json", cancellationToken);

    public async Task<JsonObject> PatchAsync(ResourceInfo resource, string? ns, string name, PatchKind kind, byte[] patch, string? subresource = null,
        CancellationToken cancellationToken = default)
    {
        using var req = new HttpRequestMessage(HttpMethod.Patch, WithManager(Path(resource, ns, name, subresource)))
        {
            Content = new ByteArrayContent(patch),
        };
        req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(kind switch
        {
            PatchKind.Json => "application/json-patch+json",
            PatchKind.Merge => "application/merge-patch+json",
            PatchKind.StrategicMerge => "application/strategic-merge-patch+json",
            _ => "application/apply-patch+yaml",
        });
        return await SendAsync(req, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(ResourceInfo resource, string? ns, string name, V1DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var req = new HttpRequestMessage(HttpMethod.Delete, Path(resource, ns, name));
        if (options is not null)
        {
            req.Content = new ByteArrayContent(KubeJson.SerializeToUtf8(options));
            req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        }
        await SendAsync(req, cancellationToken).ConfigureAwait(false);
    }

    public async Task CreateSubresourceAsync(ResourceInfo resource, string? ns, string name, string subresource, JsonObject body,
        CancellationToken cancellationToken = default) =>
        await SendAsync(HttpMethod.Post, WithManager(Path(resource, ns, name, subresource)), body, "application/json", cancellationToken).ConfigureAwait(false);

    public void Dispose() => _http.Dispose();
}
