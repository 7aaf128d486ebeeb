using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Informers;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.Namespaces;

/// <summary>
/// Empties a namespace that is being deleted: deletes every namespaced object in it, waits for what
/// has finalizers or graceful termination to go, then removes the <c>kubernetes</c> finalizer so the
/// namespace itself is deleted (kube's namespace lifecycle controller).
/// </summary>
public sealed class NamespaceController(IApiClient client, ILogger<NamespaceController> logger) : IController
{
    public const string Finalizer = "kubernetes";

    private readonly WorkQueue<string> _queue = new(baseDelay: TimeSpan.FromMilliseconds(200), maxDelay: TimeSpan.FromSeconds(5));

    public string Name => "namespace";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var namespaces = client.Kinds.Find("", "v1", "namespaces")!;
        await using var informer = new Informer<JsonObject>(client, namespaces, o => o, logger: logger);
        informer.Added += Enqueue;
        informer.Updated += (_, n) => Enqueue(n);
        informer.Start();
        try
        {
            while (true)
            {
                var (name, ok) = await _queue.GetAsync(cancellationToken).ConfigureAwait(false);
                if (!ok)
                {
                    return;
                }
                try
                {
                    if (await ReconcileAsync(namespaces, name, cancellationToken).ConfigureAwait(false))
                    {
                        _queue.Forget(name);
                    }
                    else
                    {
                        _queue.AddRateLimited(name);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "namespace {Name}: cleanup failed; retrying", name);
                    _queue.AddRateLimited(name);
                }
                finally
                {
                    _queue.Done(name);
                }
            }
        }
        finally
        {
            _queue.ShutDown();
        }
    }

    private void Enqueue(JsonObject ns)
    {
        if (ns["metadata"]?["deletionTimestamp"] is not null)
        {
            _queue.Add(ns["metadata"]!["name"]!.GetValue<string>());
        }
    }

    /// <summary>Returns true when done (the namespace is finalized or gone); false to look again soon.</summary>
    private async Task<bool> ReconcileAsync(ResourceInfo namespaces, string name, CancellationToken ct)
    {
        JsonObject ns;
        try
        {
            ns = await client.GetAsync(namespaces, null, name, ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code == 404)
        {
            return true;
        }
        if (ns["metadata"]?["deletionTimestamp"] is null)
        {
            return true;
        }
        var remaining = 0;
        foreach (var r in client.Kinds.All)
        {
            if (!r.Namespaced || !r.Preferred || !r.Verbs.Contains("list") || !r.Verbs.Contains("delete"))
            {
                continue;
            }
            var list = await client.ListAsync(r, name, null, ct).ConfigureAwait(false);
            foreach (var item in list.Items)
            {
                remaining++;
                if (item["metadata"]?["deletionTimestamp"] is not null)
                {
                    continue;
                }
                try
                {
                    await client.DeleteAsync(r, name, item["metadata"]!["name"]!.GetValue<string>(),
                        new V1DeleteOptions { PropagationPolicy = "Background" }, ct).ConfigureAwait(false);
                }
                catch (StatusException e) when (e.Code is 404 or 409)
                {
                }
            }
        }
        if (remaining > 0)
        {
            return false;
        }
        if (ns["spec"]?["finalizers"] is JsonArray finalizers && finalizers.Any(f => f?.GetValue<string>() == Finalizer))
        {
            var kept = new JsonArray(finalizers.Where(f => f?.GetValue<string>() != Finalizer).Select(f => f?.DeepClone()).ToArray());
            ((JsonObject)ns["spec"]!)["finalizers"] = kept;
            try
            {
                await client.UpdateAsync(namespaces, ns, "finalize", ct).ConfigureAwait(false);
            }
            catch (StatusException e) when (e.Code is 404)
            {
            }
        }
        return true;
    }
}
