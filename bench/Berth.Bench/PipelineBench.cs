using System.Diagnostics;
using System.Text.Json.Nodes;
using Berth.ApiServer.Hosting;
using Berth.ApiServer.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Bench;

/// <summary>
/// The create pipeline in-process (no HTTP): CPU time per create of a pod through RestStorage, to see
/// where a write's time goes apart from the network and TLS.
/// </summary>
internal static class PipelineBench
{
    public static async Task<string> RunAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "berth-pipeline-" + Guid.NewGuid().ToString("n")[..8]);
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions { DataDir = dir, SecurePort = 0 }, NullLoggerFactory.Instance);
        var pods = host.Storage.Kinds.Find("", "v1", "pods")!;
        var template = (JsonObject)JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","labels":{"app":"myapp"}},
             "spec":{"containers":[{"name":"myapp","image":"mycompany/myapp:v1.2.3","ports":[{"containerPort":3000}],
              "resources":{"requests":{"memory":"512Mi","cpu":"500m"},"limits":{"memory":"1Gi","cpu":"1"}},
              "livenessProbe":{"httpGet":{"path":"/health","port":3000}},"readinessProbe":{"httpGet":{"path":"/ready","port":3000}}}]}}
            """)!;
        var options = new WriteOptions { FieldManager = "bench" };
        // Warm up the JIT.
        for (var i = 0; i < 300; i++)
        {
            var p = (JsonObject)template.DeepClone();
            p["metadata"]!["name"] = "warm-" + i;
            await host.Storage.CreateAsync(pods, "default", p, options with { DryRun = true });
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        const int n = 3000;
        for (var i = 0; i < n; i++)
        {
            var p = (JsonObject)template.DeepClone();
            p["metadata"]!["name"] = "p-" + i;
            await host.Storage.CreateAsync(pods, "default", p, options with { DryRun = true });
        }
        var dryCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / n;
        var dryWall = sw.Elapsed.TotalMicroseconds / n;
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        var tasks = new List<Task>();
        for (var i = 0; i < n; i++)
        {
            var p = (JsonObject)template.DeepClone();
            p["metadata"]!["name"] = "p-" + i;
            tasks.Add(host.Storage.CreateAsync(pods, "default", p, options).AsTask());
        }
        await Task.WhenAll(tasks);
        var realCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / n;
        var realWall = sw.Elapsed.TotalMicroseconds / n;
        try
        {
            Directory.Delete(dir, true);
        }
        catch (IOException)
        {
        }
        return $"create pipeline (in-process, no HTTP): dry-run {dryCpu:F0} µs CPU / {dryWall:F0} µs wall per pod; stored {realCpu:F0} µs CPU / {realWall:F0} µs wall per pod (3000 concurrent)";
    }
}
