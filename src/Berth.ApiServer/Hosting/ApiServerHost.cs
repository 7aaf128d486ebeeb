using System.Diagnostics;
using System.Net;
using Berth.Api.Kinds;
using Berth.Api.Strategies;
using Berth.ApiServer.Admission;
using Berth.ApiServer.Auth;
using Berth.ApiServer.Discovery;
using Berth.ApiServer.OpenApi;
using Berth.ApiServer.Registry;
using Berth.ApiServer.Rest;
using Berth.ApiServer.Tables;
using Berth.Storage;
using Berth.Storage.Cache;
using Berth.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.ApiServer.Hosting;

/// <summary>
/// Runs the API server: opens the store, fills the watch cache, creates the bootstrap objects and serves
/// HTTPS on Kestrel (HTTP/1.1 and HTTP/2, client certificates optional and checked against the CA).
/// </summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IStore _store;
    private readonly WatchCache _cache;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _background = [];

    private ApiServerHost(WebApplication app, IStore store, WatchCache cache, RestStorage storage, ApiHandler handler,
        Pki pki, TokenFile tokens, ApiServerOptions options, string kubeconfigPath)
    {
        _app = app;
        _store = store;
        _cache = cache;
        Storage = storage;
        Handler = handler;
        Pki = pki;
        Tokens = tokens;
        Options = options;
        KubeconfigPath = kubeconfigPath;
    }

    public RestStorage Storage { get; }
    public ApiHandler Handler { get; }
    public Pki Pki { get; }
    public TokenFile Tokens { get; }
    public ApiServerOptions Options { get; }
    public string KubeconfigPath { get; }

    /// <summary>The URL clients use, e.g. https://127.0.0.1:6443.</summary>
    public string Url => Options.AdvertiseUrl ?? $"https://127.0.0.1:{Options.SecurePort}";

    /// <summary>Time from the call to Ready (storage loaded, bootstrap done, port open).</summary>
    public TimeSpan StartupTime { get; private set; }

    public static async Task<ApiServerHost> StartAsync(ApiServerOptions options, ILoggerFactory loggerFactory,
        IEnumerable<ISubresourceHandler>? subresources = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(options.DataDir);
        var pki = Pki.LoadOrCreate(options.DataDir, options.TlsSans);
        var tokens = TokenFile.LoadOrCreate(options.DataDir);
        var store = SqliteStore.Open(Path.Combine(options.DataDir, "db", "state.db"), loggerFactory.CreateLogger<SqliteStore>());
        var cache = new WatchCache(store, ObjectCodec.Root, ObjectCodec.Decode, loggerFactory.CreateLogger<WatchCache>());
        await cache.StartAsync(ct).ConfigureAwait(false);

        var kinds = new KindRegistry();
        var strategies = KindStrategies.CreateDefault();
        RestStorage? storage = null;
        var services = new ServiceAllocation(() => storage!, options.ServiceClusterIpRange, options.NodePortRange);
        var admission = new List<IAdmissionPlugin>
        {
            new NamespaceLifecycle(() => storage!),
            new LimitRanger(() => storage!),
            services,
            // Last, as in kube: it charges quota for exactly what the other plugins admitted.
            new ResourceQuotaAdmission(() => storage!, new Api.Quota.QuotaRegistry(), TimeProvider.System),
        };
        storage = new RestStorage(store, cache, kinds, strategies, admission, TimeProvider.System, loggerFactory.CreateLogger<RestStorage>());
        var writer = new ResponseWriter(new TableConvertor(TimeProvider.System), storage.Converter);
        var openApi = new OpenApiService(kinds);
        var handler = new ApiHandler(storage, new DiscoveryService(kinds), openApi, new Authenticator(pki, tokens),
            writer, new ServerVersion(), subresources ?? [], loggerFactory.CreateLogger<ApiHandler>());

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.Http2.MaxStreamsPerConnection = 1000;
            k.Limits.MaxRequestHeadersTotalSize = 1024 * 1024;
            k.Listen(options.BindAddress, options.SecurePort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = pki.Serving,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    // Checked per request against the cluster CA (Authenticator); here any is let through.
                    ClientCertificateValidation = (_, _, _) => true,
                });
            });
        });
        var app = builder.Build();
        app.Run(handler.HandleAsync);

        var kubeconfigPath = Path.Combine(options.DataDir, "admin.kubeconfig");
        var host = new ApiServerHost(app, store, cache, storage, handler, pki, tokens, options, kubeconfigPath);
        await app.StartAsync(ct).ConfigureAwait(false);
        await Bootstrap.EnsureAsync(storage, services.FirstAddress, options.SecurePort, ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(kubeconfigPath, pki.AdminKubeconfig(host.Url), ct).ConfigureAwait(false);
        File.SetUnixFileMode(kubeconfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        host._background.Add(host.CompactLoopAsync(loggerFactory.CreateLogger<ApiServerHost>()));
        var crds = new CustomResources.CrdController(storage, loggerFactory.CreateLogger<CustomResources.CrdController>());
        await crds.SyncAsync(ct).ConfigureAwait(false);
        host._background.Add(crds.RunAsync(host._stop.Token));
        handler.Ready = true;
        host.StartupTime = clock.Elapsed;
        // Build the OpenAPI documents in the background so the first `kubectl apply` or `explain` does not wait for them.
        _ = Task.Run(() => openApi.GetV3Index(), CancellationToken.None);
        return host;
    }

    /// <summary>Compacts history periodically, keeping <see cref="ApiServerOptions.CompactionRetention"/> of it.</summary>
    private async Task CompactLoopAsync(ILogger logger)
    {
        var marks = new Queue<(DateTime At, long Revision)>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                marks.Enqueue((DateTime.UtcNow, _store.Revision));
                while (marks.Count > 0 && DateTime.UtcNow - marks.Peek().At >= Options.CompactionRetention)
                {
                    var (_, rev) = marks.Dequeue();
                    if (rev > _store.CompactRevision)
                    {
                        await _store.CompactAsync(rev, _stop.Token).ConfigureAwait(false);
                    }
                }
                await Task.Delay(Options.CompactionInterval < Options.CompactionRetention ? Options.CompactionInterval : Options.CompactionRetention, _stop.Token)
                    .ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "compaction loop stopped");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Handler.Ready = false;
        try
        {
            await _app.StopAsync(TimeSpan.FromSeconds(5) is var t ? new CancellationTokenSource(t).Token : default).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_background).ConfigureAwait(false);
        await _cache.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
