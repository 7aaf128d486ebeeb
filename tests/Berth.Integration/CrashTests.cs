using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Berth.Integration;

/// <summary>Durability: what the server acknowledged survives SIGKILL.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task Sigkill_DuringWrites_KeepsEveryAcknowledgedWrite()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await BerthServer.StartAsync();
        var dataDir = server.DataDir;
        var port = server.Port;
        var acknowledged = new ConcurrentDictionary<string, long>();
        long maxRv = 0;
        try
        {
            using (var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.Kubeconfig)))
            {
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested; i++)
                    {
                        var name = $"w{w}-{i}";
                        try
                        {
                            var cm = await client.CreateNamespacedConfigMapAsync(new V1ConfigMap
                            {
                                Metadata = new V1ObjectMeta { Name = name },
                                Data = new Dictionary<string, string> { ["writer"] = w.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                            }, "default", cancellationToken: CancellationToken.None);
                            var rv = long.Parse(cm.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture);
                            acknowledged[name] = rv;
                            InterlockedMax(ref maxRv, rv);
                        }
                        catch (Exception)
                        {
                            // The server died mid-request: this write was never acknowledged.
                            return;
                        }
                    }
                }, ct)).ToList();
                // Let the writes run until a few hundred are acknowledged, then kill the server under load.
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (acknowledged.Count < 300 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20, ct);
                }
                server.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
            }
            Assert.True(acknowledged.Count >= 300, $"only {acknowledged.Count} writes were acknowledged before the kill");

            await using var restarted = await BerthServer.StartAsync(dataDir, port);
            using var after = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(restarted.Kubeconfig));
            var list = await after.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
            var present = list.Items.ToDictionary(c => c.Metadata.Name, c => long.Parse(c.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
            var missing = acknowledged.Keys.Where(k => !present.ContainsKey(k)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged writes lost, e.g. {string.Join(", ", missing.Take(5))}");
            foreach (var (name, rv) in acknowledged)
            {
                Assert.Equal(rv, present[name]);
            }
            var next = await after.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after-restart" } }, "default", cancellationToken: ct);
            Assert.True(long.Parse(next.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > Interlocked.Read(ref maxRv),
                "resourceVersions must keep increasing across the crash");
        }
        finally
        {
            server.Kill();
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
