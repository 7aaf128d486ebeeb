using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Client;
using Berth.Client.Informers;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.ServiceAccounts;

/// <summary>Gives every active namespace a <c>default</c> ServiceAccount, as kube's serviceaccount controller does.</summary>
public sealed class ServiceAccountController(IApiClient client, ILogger<ServiceAccountController> logger) : IController
{
    private readonly WorkQueue<string> _queue = new();

    public string Name => "serviceaccount";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var namespaces = client.Kinds.Find("", "v1", "namespaces")!;
        var accounts = client.Kinds.Find("", "v1", "serviceaccounts")!;
        await using var nsInformer = new Informer<JsonObject>(client, namespaces, o => o, logger: logger);
        await using var saInformer = new Informer<JsonObject>(client, accounts, o => o, request: new ListRequest { FieldSelector = "metadata.name=default" }, logger: logger);
        nsInformer.Added += ns => _queue.Add(ns["metadata"]!["name"]!.GetValue<string>());
        saInformer.Deleted += sa => _queue.Add(sa["metadata"]!["namespace"]!.GetValue<string>());
        nsInformer.Start();
        saInformer.Start();
        await nsInformer.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        await saInformer.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var (ns, ok) = await _queue.GetAsync(cancellationToken).ConfigureAwait(false);
                if (!ok)
                {
                    return;
                }
                try
                {
                    var nsObj = nsInformer.Get(null, ns);
                    if (nsObj is not null && nsObj["metadata"]?["deletionTimestamp"] is null && saInformer.Get(ns, "default") is null)
                    {
                        await client.CreateAsync(accounts, ns, new JsonObject
                        {
                            ["apiVersion"] = "v1",
                            ["kind"] = "ServiceAccount",
                            ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = ns },
                        }, cancellationToken).ConfigureAwait(false);
                    }
                    _queue.Forget(ns);
                }
                catch (StatusException e) when (e.Code is 409 or 404 or 403)
                {
                    _queue.Forget(ns);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "serviceaccount: namespace {Namespace} failed", ns);
                    _queue.AddRateLimited(ns);
                }
                finally
                {
                    _queue.Done(ns);
                }
            }
        }
        finally
        {
            _queue.ShutDown();
        }
    }
}
