namespace Berth.Images.Tests;

/// <summary>The demo app's /metrics: Prometheus text format 0.0.4 with the seed's metric names.</summary>
public sealed class MetricsTests(AppBinaries binaries)
{
    [Fact]
    public async Task Metrics_AfterRequests_CountsEachRequestByMethodRouteAndStatus()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        for (var i = 0; i < 3; i++)
        {
            await app.GetAsync("/health");
        }
        using (var post = await app.Http.PostAsync("/reset", null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(200, (int)post.StatusCode);
        }

        var metrics = PrometheusText.Parse(await app.MetricsAsync());

        Assert.Equal(3, PrometheusText.Value(metrics, "http_requests_total", ("method", "GET"), ("route", "/health"), ("status", "200"), ("status_code", "200")));
        Assert.Equal(1, PrometheusText.Value(metrics, "http_requests_total", ("method", "POST"), ("route", "/reset"), ("status", "200")));
        Assert.Equal(3, PrometheusText.Value(metrics, "http_request_duration_seconds_count", ("method", "GET"), ("route", "/health")));
        Assert.Equal(3, PrometheusText.Value(metrics, "http_request_duration_seconds_bucket", ("route", "/health"), ("le", "0.1")));
        Assert.True(PrometheusText.Value(metrics, "http_request_duration_seconds_sum", ("route", "/health")) < 1);
    }

    [Fact]
    public async Task Metrics_Exposition_IsValidTextFormat004WithTheSeedFamilies()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        await app.GetAsync("/");
        await app.GetAsync("/status/500");
        await app.GetAsync("/sleep?ms=30");

        using var response = await app.Http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var families = PrometheusText.Parse(text).ToDictionary(f => f.Name);
        Assert.Equal("counter", families["http_requests_total"].Type);
        Assert.Equal("histogram", families["http_request_duration_seconds"].Type);
        Assert.Equal("gauge", families["active_connections"].Type);
        Assert.Equal("counter", families["process_cpu_seconds_total"].Type);
        foreach (var gauge in new[] { "process_resident_memory_bytes", "process_start_time_seconds", "process_open_fds", "process_max_fds" })
        {
            Assert.Equal("gauge", families[gauge].Type);
        }
        Assert.All(families.Values, f => Assert.False(string.IsNullOrEmpty(f.Help), f.Name + " has no HELP"));
        // The seed's metrics.js buckets are all there, plus +Inf.
        var bounds = families["http_request_duration_seconds"].Samples
            .Where(s => s.Name == "http_request_duration_seconds_bucket" && s.Labels["route"] == "/")
            .Select(s => s.Labels["le"]).ToList();
        Assert.Superset(new HashSet<string> { "0.1", "0.5", "1", "2", "5", "10", "+Inf" }, bounds.ToHashSet());
        Assert.Equal(1, PrometheusText.Value(families.Values, "http_requests_total", ("route", "/status/:code"), ("status", "500")));
        var sleptSum = PrometheusText.Value(families.Values, "http_request_duration_seconds_sum", ("route", "/sleep"));
        Assert.InRange(sleptSum, 0.03, 5);
        Assert.Equal(0, PrometheusText.Value(families.Values, "http_request_duration_seconds_bucket", ("route", "/sleep"), ("le", "0.025")));
    }

    [Fact]
    public async Task Metrics_Exposition_PassesPromtoolWhenInstalled()
    {
        if (!File.Exists("/usr/bin/promtool"))
        {
            Assert.Skip("promtool (Debian package prometheus) is not installed");
        }
        await using var app = await MyAppProcess.StartAsync(binaries);
        await app.GetAsync("/");
        await app.GetAsync("/status/503");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, await app.MetricsAsync(), TestContext.Current.CancellationToken);

            var result = await Shell.RunAsync("sh", ["-c", "promtool check metrics < \"$0\"", file]);

            Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
            Assert.Equal("", (result.StandardOutput + result.StandardError).Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
