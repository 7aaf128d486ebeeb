namespace Berth.Images.Tests;

/// <summary>SIGTERM: stop accepting, answer what is in flight, close idle connections, exit 0.</summary>
public sealed class ShutdownTests(AppBinaries binaries)
{
    [Fact]
    public async Task Sigterm_SlowRequestInFlight_AnsweredThenExitsZero()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        using var conn = await app.ConnectAsync();
        await conn.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await conn.ReadResponseAsync())?.Status); // the connection is accepted and served
        await conn.SendAsync("GET /sleep?ms=800 HTTP/1.1\r\nHost: x\r\n\r\n");

        await Shell.SignalAsync(app.ProcessId);

        var r = await conn.ReadResponseAsync();
        Assert.NotNull(r);
        Assert.Equal(200, r.Status);
        Assert.Equal("{\"slept_ms\":800}", r.Body);
        Assert.Equal("close", r.Headers["Connection"]);
        Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(app.Lines, l => l.Contains("\"shutting down\"", StringComparison.Ordinal) && l.Contains("SIGTERM", StringComparison.Ordinal));
        Assert.Contains(app.Lines, l => l.Contains("\"stopped\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sigterm_IdleKeepAliveConnection_ClosedAndExitsZeroPromptly()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);
        using var conn = await app.ConnectAsync();
        await conn.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await conn.ReadResponseAsync())?.Status);

        await Shell.SignalAsync(app.ProcessId);

        Assert.True(await conn.ClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Sigterm_WithShutdownDelay_ReadyAnswers503WhileStillServing()
    {
        await using var app = await MyAppProcess.StartAsync(binaries, ("SHUTDOWN_DELAY_SECONDS", "2"));

        await Shell.SignalAsync(app.ProcessId);
        await Shell.WaitUntilAsync(async () => (await app.GetAsync("/ready")).Status == 503, TimeSpan.FromSeconds(5), "/ready fails");

        Assert.Equal((503, "shutting down"), await app.GetAsync("/ready"));
        Assert.Equal((200, "ok"), await app.GetAsync("/health"));
        Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Sigint_Idle_ExitsZero()
    {
        await using var app = await MyAppProcess.StartAsync(binaries);

        await Shell.SignalAsync(app.ProcessId, "INT");

        Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(5)));
    }
}
