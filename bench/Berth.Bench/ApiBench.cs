using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Berth.Bench;

/// <summary>
/// The API benchmark: create, get, update, list of 10,000 pods and watch fan-out to 100 watchers against
/// a real <c>berth server</c> process over HTTPS, with raw SQLite writes (same durability: WAL,
/// synchronous=FULL, one transaction per write) measured in the same run as the floor.
/// </summary>
internal sealed class ApiBench
{
    private const int Pods = 10_000;
    private const int CreateRate = 500;
    private readonly List<string> _rows = [];
    private int _podBytes;
    private double _createMax;
    private double _createP50;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-bench-" + Guid.NewGuid().ToString("n")[..8]);

    public async Task<string> RunAsync()
    {
        Directory.CreateDirectory(_work);
        try
        {
            var pod = PodTemplate();
            _podBytes = Encoding.UTF8.GetByteCount(pod.ToJsonString());
            var floor = RawSqlite(pod.ToJsonString());
            await using var server = await ServerProcess.StartAsync(_work);
            using var http = server.CreateClient(http2: false);
            var ns = "/api/v1/namespaces/default/pods";

            // Warm up (JIT, TLS connections, caches) before measuring, as any long-running server is.
            await ClosedLoopAsync(http, 2000, 32, i =>
            {
                var p = (JsonObject)pod.DeepClone();
                p["metadata"]!["name"] = "warmup-" + i.ToString("D5", CultureInfo.InvariantCulture);
                return new HttpRequestMessage(HttpMethod.Post, server.Url + "/api/v1/namespaces/kube-public/pods") { Content = Json(p) };
            }, HttpStatusCode.Created);

            // Creates at a fixed rate (open loop): latency includes any queueing the server causes.
            var createLat = await OpenLoopAsync(http, Pods, CreateRate, i =>
            {
                var p = (JsonObject)pod.DeepClone();
                p["metadata"]!["name"] = "pod-" + i.ToString("D5", CultureInfo.InvariantCulture);
                return new HttpRequestMessage(HttpMethod.Post, server.Url + ns) { Content = Json(p) };
            }, HttpStatusCode.Created);
            _createP50 = createLat.P50;
            Add("create pod (500/s, open loop)", createLat, $"floor: raw SQLite insert p50 {floor.P50:F2} ms / p99 {floor.P99:F2} ms");

            var createMax = await ClosedLoopAsync(http, 2000, 32, i =>
            {
                var p = (JsonObject)pod.DeepClone();
                p["metadata"]!["name"] = "burst-" + i.ToString("D5", CultureInfo.InvariantCulture);
                return new HttpRequestMessage(HttpMethod.Post, server.Url + ns) { Content = Json(p) };
            }, HttpStatusCode.Created);
            _createMax = createMax.Throughput;
            Add("create pod (max, 32 in flight)", createMax, $"floor: raw SQLite {floor.Throughput:F0} writes/s");

            var getLat = await ClosedLoopAsync(http, 5000, 16, i =>
                new HttpRequestMessage(HttpMethod.Get, server.Url + ns + "/pod-" + (i % Pods).ToString("D5", CultureInfo.InvariantCulture)), HttpStatusCode.OK);
            Add("get pod", getLat, "");

            var updateLat = await ClosedLoopAsync(http, 2000, 16, i =>
            {
                var p = (JsonObject)pod.DeepClone();
                p["metadata"]!["name"] = "pod-" + i.ToString("D5", CultureInfo.InvariantCulture);
                p["metadata"]!["labels"]!["rev"] = "2";
                return new HttpRequestMessage(HttpMethod.Put, server.Url + ns + "/pod-" + i.ToString("D5", CultureInfo.InvariantCulture)) { Content = Json(p) };
            }, HttpStatusCode.OK);
            Add("update pod (unconditional PUT)", updateLat, "");

            var listLat = await ClosedLoopAsync(http, 20, 1, _ => new HttpRequestMessage(HttpMethod.Get, server.Url + ns), HttpStatusCode.OK);
            Add($"list {Pods + 2000} pods (JSON)", listLat, "");
            var tableLat = await ClosedLoopAsync(http, 10, 1, _ =>
            {
                var r = new HttpRequestMessage(HttpMethod.Get, server.Url + ns);
                r.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io");
                return r;
            }, HttpStatusCode.OK);
            Add($"list {Pods + 2000} pods (Table, as kubectl get)", tableLat, "");

            var fanout = await WatchFanOutAsync(server, 100, 200);
            Add("event → 100 watchers", fanout, "200 events, each to every watcher");
            return Report(server, floor);
        }
        finally
        {
            try
            {
                Directory.Delete(_work, true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static StringContent Json(JsonNode n) => new(n.ToJsonString(), Encoding.UTF8, "application/json");

    private void Add(string what, Stats s, string note) =>
        _rows.Add($"| {what} | {s.Count} | {s.Throughput:F0}/s | {s.P50:F2} | {s.P99:F2} | {s.Max:F2} | {note} |");

    private string Report(ServerProcess server, Stats floor)
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        var sb = new StringBuilder();
        sb.AppendLine("## API server");
        sb.AppendLine();
        sb.AppendLine($"`berth-bench api` ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, 1-minute load average {load} at the end): " +
            "a `berth server` process (Release) over HTTPS/1.1 with the admin client certificate, SQLite WAL with synchronous=FULL " +
            "(every acknowledged write is on disk), 2,000 warm-up creates first; the load generator runs on the same 2 cores. " +
            $"Pods are {_podBytes} bytes of JSON. Server ready {server.ReadyAfter.TotalMilliseconds:F0} ms after its process started.");
        sb.AppendLine();
        sb.AppendLine("| operation | n | throughput | p50 ms | p99 ms | max ms | notes |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in _rows)
        {
            sb.AppendLine(r);
        }
        sb.AppendLine();
        sb.AppendLine($"Floor, same run: raw SQLite inserts of the same pod JSON, one durable transaction each, from one thread: " +
            $"{floor.Throughput:F0} writes/s, p50 {floor.P50:F2} ms, p99 {floor.P99:F2} ms. " +
            $"Berth's durable create throughput is {_createMax / floor.Throughput:F2}× the floor's (group commit puts many creates in one transaction); " +
            $"a create's p50 at 500/s is {_createP50 / floor.P50:F1}× one raw insert (HTTPS, decoding, defaults, validation, admission, managed fields and the watch cache on top).");
        sb.AppendLine($"Goals: create p99 ≤ 20 ms at 500 creates/s; a list of 10,000 pods ≤ 150 ms; an event reaches 100 watchers with p99 ≤ 50 ms. Server RSS after the run: {server.RssMb():F0} MB.");
        return sb.ToString();
    }

    /// <summary>The floor: the same bytes into SQLite directly, durable per write.</summary>
    private Stats RawSqlite(string json)
    {
        var path = Path.Combine(_work, "floor.db");
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using (var pragma = conn.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE kv(key TEXT PRIMARY KEY, value BLOB, rev INTEGER);";
            pragma.ExecuteNonQuery();
        }
        using var insert = conn.CreateCommand();
        insert.CommandText = "INSERT INTO kv(key, value, rev) VALUES ($k, $v, $r)";
        var k = insert.Parameters.Add("$k", SqliteType.Text);
        var v = insert.Parameters.Add("$v", SqliteType.Blob);
        var r = insert.Parameters.Add("$r", SqliteType.Integer);
        var bytes = Encoding.UTF8.GetBytes(json);
        var lat = new List<double>(2000);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < 2000; i++)
        {
            var sw = Stopwatch.StartNew();
            using var tx = conn.BeginTransaction();
            insert.Transaction = tx;
            k.Value = "/registry/pods/default/p" + i;
            v.Value = bytes;
            r.Value = i;
            insert.ExecuteNonQuery();
            tx.Commit();
            lat.Add(sw.Elapsed.TotalMilliseconds);
        }
        return Stats.From(lat, total.Elapsed);
    }

    private static async Task<Stats> OpenLoopAsync(HttpClient http, int count, int rate, Func<int, HttpRequestMessage> make, HttpStatusCode expect)
    {
        var lat = new ConcurrentBag<double>();
        var tasks = new List<Task>(count);
        var start = Stopwatch.StartNew();
        var errors = 0;
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - start.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }
            var req = make(i);
            var scheduled = due;
            tasks.Add(Task.Run(async () =>
            {
                using var resp = await http.SendAsync(req);
                await resp.Content.LoadIntoBufferAsync();
                if (resp.StatusCode != expect)
                {
                    Interlocked.Increment(ref errors);
                }
                // Latency from when the request was due, so a slow server cannot hide queueing.
                lat.Add((start.Elapsed - scheduled).TotalMilliseconds);
            }));
        }
        await Task.WhenAll(tasks);
        if (errors > 0)
        {
            throw new InvalidOperationException($"{errors} requests failed");
        }
        return Stats.From(lat.ToList(), start.Elapsed);
    }

    private static async Task<Stats> ClosedLoopAsync(HttpClient http, int count, int concurrency, Func<int, HttpRequestMessage> make, HttpStatusCode expect)
    {
        var lat = new ConcurrentBag<double>();
        var next = -1;
        var start = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var sw = Stopwatch.StartNew();
                using var resp = await http.SendAsync(make(i));
                await resp.Content.LoadIntoBufferAsync();
                if (resp.StatusCode != expect)
                {
                    throw new InvalidOperationException($"{resp.StatusCode}: {await resp.Content.ReadAsStringAsync()}");
                }
                lat.Add(sw.Elapsed.TotalMilliseconds);
            }
        })).ToList();
        await Task.WhenAll(workers);
        return Stats.From(lat.ToList(), start.Elapsed);
    }

    /// <summary>100 watches on config maps; each created config map carries its send time; each watcher records arrival.</summary>
    private static async Task<Stats> WatchFanOutAsync(ServerProcess server, int watchers, int events)
    {
        var lat = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        var ready = new CountdownEvent(watchers);
        using var cts = new CancellationTokenSource();
        var received = new CountdownEvent(watchers * events);
        var clients = new List<HttpClient>();
        var tasks = new List<Task>();
        for (var w = 0; w < watchers; w++)
        {
            var client = server.CreateClient(http2: false);
            clients.Add(client);
            tasks.Add(Task.Run(async () =>
            {
                using var resp = await client.GetAsync(server.Url + "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + server.Revision + "&labelSelector=bench%3Dfanout",
                    HttpCompletionOption.ResponseHeadersRead, cts.Token);
                ready.Signal();
                using var stream = await resp.Content.ReadAsStreamAsync(cts.Token);
                using var reader = new StreamReader(stream);
                while (!cts.IsCancellationRequested)
                {
                    var line = await reader.ReadLineAsync(cts.Token);
                    if (line is null)
                    {
                        break;
                    }
                    var now = clock.Elapsed.TotalMilliseconds;
                    // Cheap on the client side (the client shares the 2 cores): find the send time without parsing.
                    var at = line.IndexOf("\"sent\":\"", StringComparison.Ordinal);
                    if (line.StartsWith("{\"type\":\"ADDED\"", StringComparison.Ordinal) && at > 0)
                    {
                        var start = at + 8;
                        var end = line.IndexOf('"', start);
                        lat.Add(now - double.Parse(line.AsSpan(start, end - start), CultureInfo.InvariantCulture));
                        received.Signal();
                    }
                }
            }));
        }
        ready.Wait(TimeSpan.FromSeconds(30));
        using var writer = server.CreateClient(http2: false);
        var start = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            var cm = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "fan-" + i, ["labels"] = new JsonObject { ["bench"] = "fanout" } },
                ["data"] = new JsonObject { ["sent"] = clock.Elapsed.TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture) },
            };
            using var resp = await writer.PostAsync(server.Url + "/api/v1/namespaces/default/configmaps", Json(cm));
            await Task.Delay(10);
        }
        received.Wait(TimeSpan.FromSeconds(60));
        var elapsed = start.Elapsed;
        await cts.CancelAsync();
        foreach (var c in clients)
        {
            c.Dispose();
        }
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException)
        {
        }
        catch (HttpRequestException)
        {
        }
        catch (IOException)
        {
        }
        return Stats.From(lat.ToList(), elapsed);
    }

    private static JsonObject PodTemplate() => (JsonObject)JsonNode.Parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","labels":{"app":"myapp","version":"v1.2.3","pod-template-hash":"5d8f7c9b6d"},
         "annotations":{"prometheus.io/scrape":"true","prometheus.io/port":"3000"}},
         "spec":{"containers":[{"name":"myapp","image":"mycompany/myapp:v1.2.3","ports":[{"containerPort":3000,"protocol":"TCP"}],
          "env":[{"name":"NODE_ENV","value":"production"}],
          "resources":{"requests":{"memory":"512Mi","cpu":"500m"},"limits":{"memory":"1Gi","cpu":"1"}},
          "livenessProbe":{"httpGet":{"path":"/health","port":3000},"initialDelaySeconds":30,"periodSeconds":10},
          "readinessProbe":{"httpGet":{"path":"/ready","port":3000},"initialDelaySeconds":5,"periodSeconds":5},
          "securityContext":{"runAsNonRoot":true,"runAsUser":1000,"readOnlyRootFilesystem":true},
          "volumeMounts":[{"name":"tmp-volume","mountPath":"/tmp"}]}],
          "volumes":[{"name":"tmp-volume","emptyDir":{}}]}}
        """)!;
}

/// <summary>Latency percentiles (ms) and throughput of one scenario.</summary>
internal sealed record Stats(int Count, double Throughput, double P50, double P99, double Max)
{
    public static Stats From(List<double> latencies, TimeSpan elapsed)
    {
        latencies.Sort();
        double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        return new Stats(latencies.Count, latencies.Count / elapsed.TotalSeconds, P(0.50), P(0.99), latencies.Count == 0 ? double.NaN : latencies[^1]);
    }
}
