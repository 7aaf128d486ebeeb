namespace Berth.Node.Tests.Support;

/// <summary>
/// Minimal OCI images for the real-runtime tests and the CRI floor benchmark, built from the host's
/// static busybox with umoci: <c>busybox</c> (every applet, command "sh") and <c>pause</c>
/// (<c>sleep infinity</c>). Berth's real images (images/) are built elsewhere; these only need to run.
/// </summary>
public static class TestImages
{
    /// <summary>Builds both images into an OCI layout at <paramref name="layout"/> (tags "busybox" and "pause").</summary>
    public static async Task BuildAsync(string layout, string workDirectory, CancellationToken cancellationToken = default)
    {
        var busybox = "/bin/busybox";
        if (!File.Exists(busybox))
        {
            throw new InvalidOperationException("/bin/busybox is missing; install busybox-static (scripts/install-deps.sh)");
        }
        await Tool.RunAsync("umoci", ["init", "--layout", layout], cancellationToken);
        var applets = (await Tool.RunAsync(busybox, ["--list"], cancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var (tag, config) in new[]
        {
            ("busybox", new[] { "--config.cmd", "sh" }),
            ("pause", new[] { "--config.entrypoint", "/bin/sleep", "--config.cmd", "infinity" }),
        })
        {
            var image = layout + ":" + tag;
            var bundle = Path.Combine(workDirectory, "bundle-" + tag);
            await Tool.RunAsync("umoci", ["new", "--image", image], cancellationToken);
            await Tool.RunAsync("umoci", ["unpack", "--image", image, bundle], cancellationToken);
            var rootfs = Path.Combine(bundle, "rootfs");
            foreach (var dir in new[] { "bin", "etc", "tmp", "proc", "sys", "dev" })
            {
                Directory.CreateDirectory(Path.Combine(rootfs, dir));
            }
            File.Copy(busybox, Path.Combine(rootfs, "bin", "busybox"));
            foreach (var applet in applets)
            {
                if (applet != "busybox")
                {
                    File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
                }
            }
            await File.WriteAllTextAsync(Path.Combine(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n", cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(rootfs, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n", cancellationToken);
            await Tool.RunAsync("umoci", ["repack", "--image", image, bundle], cancellationToken);
            await Tool.RunAsync("umoci", ["config", "--image", image, "--config.env", "PATH=/bin", .. config], cancellationToken);
            Directory.Delete(bundle, recursive: true);
        }
    }
}
