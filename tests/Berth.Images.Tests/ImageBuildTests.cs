using System.Globalization;
using System.Text.Json;

namespace Berth.Images.Tests;

/// <summary>
/// images/build.sh, registry.sh and push.sh end to end: OCI images built with umoci, a docker-registry on a free
/// loopback port, the images pushed with skopeo and read back, the registry stopped by its PID.
/// </summary>
public sealed class ImageBuildTests
{
    [Fact]
    public async Task BuildPushInspect_LocalRegistry_ImagesCarryTheirConfig()
    {
        var outDir = Shell.TempDirectory("berth-images-out");
        var dataDir = Shell.TempDirectory("berth-registry");
        var port = Shell.FreePort().ToString(CultureInfo.InvariantCulture);
        try
        {
            var build = (await Shell.ScriptAsync("build.sh", "--out", outDir)).Ok();
            Assert.Contains($"oci:{outDir}/oci/mycompany-myapp:v1.2.3", build.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("up to date", (await Shell.ScriptAsync("build.sh", "--out", outDir)).Ok().StandardError, StringComparison.Ordinal);

            Assert.Equal($"127.0.0.1:{port}", (await Shell.ScriptAsync("registry.sh", "start", "--port", port, "--data", dataDir)).Ok().StandardOutput.Trim());
            var status = (await Shell.ScriptAsync("registry.sh", "status", "--data", dataDir)).Ok().StandardOutput.Split(' ');
            Assert.Equal("running", status[0]);
            var pid = int.Parse(status[1], CultureInfo.InvariantCulture);
            Assert.Equal([$"127.0.0.1:{port}"], ListeningAddresses(pid));

            var pushed = (await Shell.ScriptAsync("push.sh", "--port", port, "--out", outDir)).Ok().StandardOutput;
            foreach (var name in new[] { "mycompany/myapp:v1.2.3", "mycompany/myapp:v1.2.4", "berth/pause:3.9", "pause:3.9", "library/busybox:1.36" })
            {
                Assert.Contains($"127.0.0.1:{port}/{name}\n", pushed, StringComparison.Ordinal);
            }

            using var app = await ConfigAsync(port, "mycompany/myapp:v1.2.3");
            var config = app.RootElement.GetProperty("config");
            Assert.Equal("1000", config.GetProperty("User").GetString());
            Assert.Equal(["/app/myapp"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("/app", config.GetProperty("WorkingDir").GetString());
            Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("3000/tcp", out _));
            Assert.Contains("APP_VERSION=v1.2.3", config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));

            using var next = await ConfigAsync(port, "mycompany/myapp:v1.2.4");
            Assert.Contains("APP_VERSION=v1.2.4", next.RootElement.GetProperty("config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(app.RootElement.GetProperty("rootfs").GetRawText(), next.RootElement.GetProperty("rootfs").GetRawText());

            using var pause = await ConfigAsync(port, "berth/pause:3.9");
            Assert.Equal("65535:65535", pause.RootElement.GetProperty("config").GetProperty("User").GetString());
            Assert.Equal(["/pause"], pause.RootElement.GetProperty("config").GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));

            using var busybox = await ConfigAsync(port, "library/busybox:1.36");
            Assert.Equal(["sh"], busybox.RootElement.GetProperty("config").GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));

            Assert.Equal("stopped", (await Shell.ScriptAsync("registry.sh", "stop", "--data", dataDir)).Ok().StandardOutput.Trim());
            Assert.False(File.Exists($"/proc/{pid}/stat"), "the registry process is gone");
            var after = await Shell.ScriptAsync("registry.sh", "status", "--data", dataDir);
            Assert.Equal((3, "stopped"), (after.ExitCode, after.StandardOutput.Trim()));
        }
        finally
        {
            await Shell.ScriptAsync("registry.sh", "stop", "--data", dataDir);
            Directory.Delete(outDir, recursive: true);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Push_NonLoopbackRegistry_Refused()
    {
        var r = await Shell.ScriptAsync("push.sh", "--registry", "registry.example.com:5000");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a loopback registry", r.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistryStatus_NothingStarted_ReportsStopped()
    {
        var dataDir = Shell.TempDirectory("berth-registry");
        try
        {
            var r = await Shell.ScriptAsync("registry.sh", "status", "--data", dataDir);

            Assert.Equal((3, "stopped"), (r.ExitCode, r.StandardOutput.Trim()));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<JsonDocument> ConfigAsync(string port, string reference)
    {
        var r = (await Shell.RunAsync("skopeo", ["inspect", "--config", "--tls-verify=false", $"docker://127.0.0.1:{port}/{reference}"])).Ok();
        return JsonDocument.Parse(r.StandardOutput);
    }

    /// <summary>The IPv4 addresses the process listens on (from /proc/PID/net/tcp and its socket inodes).</summary>
    private static List<string> ListeningAddresses(int pid)
    {
        var inodes = Directory.GetFiles($"/proc/{pid}/fd")
            .Select(f => new FileInfo(f).LinkTarget ?? "")
            .Where(t => t.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(t => t[8..^1]).ToHashSet();
        var result = new List<string>();
        foreach (var file in new[] { $"/proc/{pid}/net/tcp", $"/proc/{pid}/net/tcp6" })
        {
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f[3] != "0A" || !inodes.Contains(f[9]))
                {
                    continue; // not LISTEN, or not this process's socket
                }
                var (addr, portHex) = (f[1].Split(':')[0], f[1].Split(':')[1]);
                var ip = addr.Length == 8
                    ? string.Join('.', Enumerable.Range(0, 4).Select(i => Convert.ToByte(addr.Substring(6 - i * 2, 2), 16)))
                    : "[v6:" + addr + "]";
                result.Add($"{ip}:{int.Parse(portHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)}");
            }
        }
        return result;
    }
}
