using System.Text.Json;

namespace Berth.Images.Tests;

/// <summary>The demo app's endpoints and knobs, against the real binary on loopback.</summary>
public sealed class MyAppTests(AppBinaries binaries)
{
    [Fact]
    public async Task Root_Get_AnswersJsonHelloWithVersionHostnameAndEnvironment()
    {
        await using var app = await MyAppProcess.StartAsync(binaries, ("NODE_ENV", "production"));

        var (status, body) = await app.GetAsync("/");

        Assert.Equal(200, status);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("myapp", doc.RootElement.GetProperty("app").GetString());
        Assert.Equal("v1.2.3", doc.RootElement.GetProperty("version").GetString());
        Assert.Equal(Environment.MachineName, doc.RootElement.GetProperty("hostname").GetString());
        Assert.Equal("production", doc.RootElement.GetProperty("environment").GetString());
    }

    [Fact]
    public async Task Version_AppVersionSet_AnswersThatVersionEverywhere()
    {
        await using var app = await MyAppProcess.StartAsync(binaries, ("APP_VERSION", "v1.2.4"));

        Assert.Equal((200, "v1.2.4"), await app.GetAsync("/version"));
        Assert.Contains("\"version\":\"v1.2.4\"", (await app.GetAsync("/")).Body, StringComparison.Ordinal);
        Assert.Contains("myapp_build_info{app=\"myapp\",version=\"v1.2.4\"} 1", await app.MetricsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probes_Default_AnswerOk()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);

        Assert.Equal((200, "ok"), await app.GetAsync("/health"));
        Assert.Equal((200, "ok"), await app.GetAsync("/ready"));
        Assert.Equal((200, "ok"), await app.GetAsync("/startup"));
    }

    [Fact]
    public async Task FailHealth_UntilReset_HealthAnswers500AndReadyStaysOk()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);

        Assert.Equal(200, (await app.GetAsync("/fail/health")).Status);

        Assert.Equal(500, (await app.GetAsync("/health")).Status);
        Assert.Equal(500, (await app.GetAsync("/health")).Status);
        Assert.Equal((200, "ok"), await app.GetAsync("/ready"));
        Assert.Equal(200, (await app.GetAsync("/reset")).Status);
        Assert.Equal((200, "ok"), await app.GetAsync("/health"));
    }

    [Fact]
    public async Task FailReady_ForOneSecond_ReadyAnswers503ThenRecovers()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);

        Assert.Equal(200, (await app.GetAsync("/fail/ready?seconds=1")).Status);

        Assert.Equal(503, (await app.GetAsync("/ready")).Status);
        Assert.Equal((200, "ok"), await app.GetAsync("/health"));
        await Shell.WaitUntilAsync(async () => (await app.GetAsync("/ready")).Status == 200, TimeSpan.FromSeconds(10), "/ready recovers");
    }

    [Fact]
    public async Task FailEnv_Set_ProbesFailFromTheStart()
    {
        await using var app = await MyAppProcess.StartAsync(binaries, ("FAIL_HEALTH", "1"), ("FAIL_READY", "1"));

        Assert.Equal(500, (await app.GetAsync("/health")).Status);
        Assert.Equal(503, (await app.GetAsync("/ready")).Status);
    }

    [Fact]
    public async Task StartupDelay_OneSecond_StartupAndReadyFailThenSucceed()
    {
        await using var app = await MyAppProcess.StartAsync(binaries, ("STARTUP_DELAY_SECONDS", "1"));

        Assert.Equal((503, "starting"), await app.GetAsync("/startup"));
        Assert.Equal((503, "starting"), await app.GetAsync("/ready"));
        Assert.Equal((200, "ok"), await app.GetAsync("/health"));
        await Shell.WaitUntilAsync(async () => (await app.GetAsync("/startup")).Status == 200, TimeSpan.FromSeconds(10), "/startup succeeds");
        Assert.Equal((200, "ok"), await app.GetAsync("/ready"));
    }

    [Fact]
    public async Task Burn_OneCpu_UsesCpuUntilStopped()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        var before = PrometheusText.Value(PrometheusText.Parse(await app.MetricsAsync()), "process_cpu_seconds_total");

        var (status, body) = await app.GetAsync("/burn?cpu=1&seconds=60");

        Assert.Equal(202, status);
        Assert.Contains("\"burning\":1", body, StringComparison.Ordinal);
        await Shell.WaitUntilAsync(async () =>
            PrometheusText.Value(PrometheusText.Parse(await app.MetricsAsync()), "process_cpu_seconds_total") - before >= 0.3,
            TimeSpan.FromSeconds(20), "the burner has used 0.3 s of CPU");
        Assert.Equal(1, PrometheusText.Value(PrometheusText.Parse(await app.MetricsAsync()), "myapp_cpu_burners"));
        Assert.Equal(200, (await app.GetAsync("/burn?seconds=0")).Status);
        await Shell.WaitUntilAsync(async () =>
            PrometheusText.Value(PrometheusText.Parse(await app.MetricsAsync()), "myapp_cpu_burners") == 0,
            TimeSpan.FromSeconds(10), "the burner stops");
    }

    [Fact]
    public async Task Alloc_64MiB_HeldAsResidentMemoryUntilFreed()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);

        var (status, body) = await app.GetAsync("/alloc?mb=64");

        Assert.Equal(200, status);
        Assert.Contains("\"held_mb\":64", body, StringComparison.Ordinal);
        var metrics = PrometheusText.Parse(await app.MetricsAsync());
        Assert.Equal(64 << 20, PrometheusText.Value(metrics, "myapp_held_memory_bytes"));
        Assert.True(PrometheusText.Value(metrics, "process_resident_memory_bytes") >= 64 << 20);
        Assert.Contains("\"held_mb\":128", (await app.GetAsync("/alloc?mb=64")).Body, StringComparison.Ordinal);
        Assert.Equal(200, (await app.GetAsync("/free")).Status);
        Assert.Equal(0, PrometheusText.Value(PrometheusText.Parse(await app.MetricsAsync()), "myapp_held_memory_bytes"));
    }

    [Fact]
    public async Task Exit_Code3_AnswersThenExitsWithThatCode()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);

        var (status, body) = await app.GetAsync("/exit?code=3");

        Assert.Equal(200, status);
        Assert.Contains("\"exiting\":3", body, StringComparison.Ordinal);
        Assert.Equal(3, await app.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Sleep_WhileSleeping_OtherRequestsAreAnswered()
    {
        await using var app = await MyAppProcess.StartAsync(binaries, ("WORKERS", "1"));
        var started = DateTime.UtcNow;

        var slow = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.GetAsync("/sleep?ms=700")));
        var health = await app.GetAsync("/health");
        var healthAnsweredAfter = DateTime.UtcNow - started;

        Assert.Equal((200, "ok"), health);
        Assert.False(slow.IsCompleted, $"/health waited for the sleeping requests ({healthAnsweredAfter})");
        var results = await slow;
        Assert.All(results, r => Assert.Equal((200, "{\"slept_ms\":700}"), r));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(650));
    }

    [Fact]
    public async Task Status_503_AnswersThatStatusAndCountsIt()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);

        Assert.Equal(503, (await app.GetAsync("/status/503")).Status);
        Assert.Equal(404, (await app.GetAsync("/no/such/path")).Status);

        var metrics = PrometheusText.Parse(await app.MetricsAsync());
        Assert.Equal(1, PrometheusText.Value(metrics, "http_requests_total", ("route", "/status/:code"), ("status", "503")));
        Assert.Equal(1, PrometheusText.Value(metrics, "http_requests_total", ("route", "unmatched"), ("status", "404")));
    }

    [Fact]
    public async Task KeepAlive_ThreeRequestsOnOneConnection_AllAnswered()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        using var conn = await app.ConnectAsync();

        for (var i = 0; i < 3; i++)
        {
            await conn.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            var r = await conn.ReadResponseAsync();
            Assert.NotNull(r);
            Assert.Equal(200, r.Status);
            Assert.Equal("keep-alive", r.Headers["Connection"]);
            Assert.Equal("ok", r.Body);
        }
    }

    [Fact]
    public async Task Pipelining_TwoRequestsInOneWrite_AnsweredInOrder()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        using var conn = await app.ConnectAsync();

        await conn.SendAsync("GET /version HTTP/1.1\r\nHost: x\r\n\r\nGET /status/404 HTTP/1.1\r\nHost: x\r\n\r\nGET /sleep?ms=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(200, (await conn.ReadResponseAsync())?.Status);
        Assert.Equal(404, (await conn.ReadResponseAsync())?.Status);
        Assert.Equal("{\"slept_ms\":1}", (await conn.ReadResponseAsync())?.Body);
        Assert.Equal("ok", (await conn.ReadResponseAsync())?.Body);
    }

    [Fact]
    public async Task Http10_WithoutKeepAlive_AnswersThenCloses()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        using var conn = await app.ConnectAsync();

        await conn.SendAsync("GET /health HTTP/1.0\r\n\r\n");

        var r = await conn.ReadResponseAsync();
        Assert.Equal("close", r?.Headers["Connection"]);
        Assert.True(await conn.ClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task PostWithBody_BodyDiscarded_NextRequestOnConnectionAnswered()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        using var conn = await app.ConnectAsync();

        await conn.SendAsync("POST /reset HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world");
        await conn.SendAsync("HEAD /version HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(200, (await conn.ReadResponseAsync())?.Status);
        await conn.SendAsync("GET /version HTTP/1.1\r\nHost: x\r\n\r\n");
        // HEAD carries Content-Length but no body, so the next response starts right after its headers.
        var head = await conn.ReadResponseAsync(headOnly: true);
        Assert.Equal("6", head?.Headers["Content-Length"]);
        Assert.Equal("v1.2.3", (await conn.ReadResponseAsync())?.Body);
    }

    [Fact]
    public async Task MalformedRequest_Answers400AndCloses()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        using var conn = await app.ConnectAsync();

        await conn.SendAsync("this is not http\r\n\r\n");

        Assert.Equal(400, (await conn.ReadResponseAsync())?.Status);
        Assert.True(await conn.ClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal((200, "ok"), await app.GetAsync("/health"));
    }

    [Fact]
    public async Task Concurrent_FiftyConnections_AllRequestsAnswered()
    {
        await using var app = await MyAppProcess.StartAsync(binaries, ("LOG_REQUESTS", "0"));

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var conn = await app.ConnectAsync();
            var ok = 0;
            for (var i = 0; i < 20; i++)
            {
                await conn.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                ok += (await conn.ReadResponseAsync())?.Status == 200 ? 1 : 0;
            }
            return ok;
        }));

        Assert.Equal(1000, results.Sum());
        Assert.Equal(1000, PrometheusText.Value(PrometheusText.Parse(await app.MetricsAsync()), "http_requests_total", ("route", "/")));
    }

    [Fact]
    public async Task Logs_EachRequest_OneJsonLineWithRequestFields()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);

        await app.GetAsync("/health");
        await app.GetAsync("/status/500?x=\"q\"");
        await Shell.WaitUntilAsync(() => Task.FromResult(app.Lines.Count(l => l.Contains("\"request\"", StringComparison.Ordinal)) >= 2),
            TimeSpan.FromSeconds(5), "two request lines are logged");

        var requests = app.Lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("message").GetString() == "request").ToList();
        Assert.Equal(2, requests.Count);
        var health = requests[0];
        Assert.True(DateTimeOffset.TryParse(health.GetProperty("timestamp").GetString(), out _));
        Assert.Equal("info", health.GetProperty("level").GetString());
        Assert.Equal("GET", health.GetProperty("method").GetString());
        Assert.Equal("/health", health.GetProperty("url").GetString());
        Assert.Equal(200, health.GetProperty("status").GetInt32());
        Assert.True(health.GetProperty("duration").GetDouble() >= 0);
        Assert.Equal("error", requests[1].GetProperty("level").GetString());
        Assert.Equal("/status/500?x=%22q%22", requests[1].GetProperty("url").GetString());
    }

    [Fact]
    public async Task MetricsPort_Set_ServesMetricsThere()
    {
        var metricsPort = Shell.FreePort();
        await using var app = await MyAppProcess.StartAsync(binaries, ("METRICS_PORT", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var http = new HttpClient();

        var text = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics", TestContext.Current.CancellationToken);

        Assert.Contains("# TYPE http_requests_total counter", text, StringComparison.Ordinal);
    }
}
