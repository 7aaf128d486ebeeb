using k8s.Models;

namespace Berth.Integration;

/// <summary>The seed manifests, applied with every kubectl of the matrix: created, configured, unchanged.</summary>
public sealed class KubectlSeedTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    public static TheoryData<string> Versions => new(Kubectl.MatrixVersions);

    private static IEnumerable<string> SeedFiles => Directory.GetFiles(Path.Combine(BerthServer.SeedDirectory, "kubernetes"), "*.yaml").Order();

    /// <summary>
    /// The same manifests with one more label on each object: what a user's edited copy looks like.
    /// Quantities are written in Kubernetes' canonical form ("1000m" becomes "1"), because the server
    /// stores them canonically and kubectl, like against Kubernetes, re-sends a non-canonical value on
    /// every apply ("configured" instead of "unchanged").
    /// </summary>
    private static string Modified(string file)
    {
        var docs = File.ReadAllText(file).Split("\n---\n");
        for (var d = 0; d < docs.Length; d++)
        {
            var lines = docs[d].Split('\n').ToList();
            var meta = lines.FindIndex(l => l == "metadata:");
            var labels = lines.FindIndex(meta + 1, l => l == "  labels:");
            var end = lines.FindIndex(meta + 1, l => l.Length > 0 && !l.StartsWith(' '));
            if (labels > meta && (end < 0 || labels < end))
            {
                lines.Insert(labels + 1, "    berth.dev/edited: \"true\"");
            }
            else
            {
                lines.Insert(meta + 1, "  labels:");
                lines.Insert(meta + 2, "    berth.dev/edited: \"true\"");
            }
            for (var i = 0; i < lines.Count; i++)
            {
                var m = System.Text.RegularExpressions.Regex.Match(lines[i], "^(\\s*(?:cpu|memory|averageValue|requests\\.\\S+|limits\\.\\S+|storage): )\"?([0-9.]+[a-zA-Z]*)\"?$");
                if (m.Success)
                {
                    lines[i] = m.Groups[1].Value + "\"" + new ResourceQuantity(m.Groups[2].Value).ToString() + "\"";
                }
            }
            docs[d] = string.Join('\n', lines);
        }
        return string.Join("\n---\n", docs);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ApplySeeds_CreatedThenConfiguredThenUnchanged(string version)
    {
        var k = fx.Kubectl.WithVersion(version);
        foreach (var file in SeedFiles)
        {
            var ns = await fx.NamespaceAsync("seed-" + version.Replace(".", "", StringComparison.Ordinal));
            var created = await k.RunAsync("apply", "-f", file, "-n", ns);
            Assert.True(created.ExitCode == 0, $"{Path.GetFileName(file)}: {created.Output}");
            Assert.DoesNotContain("configured", created.Stdout);
            Assert.Contains("created", created.Stdout);

            var configured = await k.ApplyAsync(Modified(file), "-n", ns);
            Assert.True(configured.ExitCode == 0, $"{Path.GetFileName(file)} (modified): {configured.Output}");
            foreach (var line in configured.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.EndsWith(" configured", line.Trim());
            }

            var unchanged = await k.ApplyAsync(Modified(file), "-n", ns);
            Assert.True(unchanged.ExitCode == 0, $"{Path.GetFileName(file)} (again): {unchanged.Output}");
            foreach (var line in unchanged.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.EndsWith(" unchanged", line.Trim());
            }
        }
    }

    [Fact]
    public async Task ApplyServerSide_Seeds_AreAppliedAndOwnedByKubectl()
    {
        foreach (var file in SeedFiles)
        {
            var ns = await fx.NamespaceAsync("ssa");
            var first = await fx.Kubectl.RunAsync("apply", "--server-side", "-f", file, "-n", ns);
            Assert.True(first.ExitCode == 0, $"{Path.GetFileName(file)}: {first.Output}");
            Assert.Contains("serverside-applied", first.Stdout);
            var again = await fx.Kubectl.RunAsync("apply", "--server-side", "-f", file, "-n", ns);
            Assert.True(again.ExitCode == 0, $"{Path.GetFileName(file)} (again): {again.Output}");
        }
        var ns2 = await fx.NamespaceAsync("ssa-owner");
        (await fx.Kubectl.RunAsync("apply", "--server-side", "-f", Path.Combine(BerthServer.SeedDirectory, "kubernetes", "deployment.yaml"), "-n", ns2)).Ok();
        var managers = (await fx.Kubectl.RunAsync("get", "deploy", "myapp", "-n", ns2, "--show-managed-fields", "-o",
            "jsonpath={.metadata.managedFields[*].manager}:{.metadata.managedFields[*].operation}")).Ok();
        Assert.Contains("kubectl", managers.Stdout);
        Assert.Contains("Apply", managers.Stdout);
    }

    [Fact]
    public async Task Crds_InstallThenMonitoringAndIstioSeedsApply()
    {
        var crds = Path.Combine(BerthServer.SeedDirectory, "..", "crds");
        (await fx.Kubectl.RunAsync("apply", "-f", crds)).Ok();
        (await fx.Kubectl.RunAsync("wait", "--for", "condition=Established", "--timeout", "30s",
            "crd/prometheusrules.monitoring.coreos.com", "crd/virtualservices.networking.istio.io", "crd/destinationrules.networking.istio.io",
            "crd/prometheuses.monitoring.coreos.com", "crd/servicemonitors.monitoring.coreos.com", "crd/alertmanagers.monitoring.coreos.com")).Ok();
        var ns = await fx.NamespaceAsync("crs");
        foreach (var dir in new[] { "monitoring", "istio" })
        {
            var r = await fx.Kubectl.RunAsync("apply", "-f", Path.Combine(BerthServer.SeedDirectory, dir), "-n", ns);
            Assert.True(r.ExitCode == 0, r.Output);
            Assert.Contains("created", r.Stdout);
        }
        var rules = (await fx.Kubectl.RunAsync("get", "prometheusrules", "-n", ns, "-o", "name")).Ok();
        Assert.Contains("prometheusrule.monitoring.coreos.com/myapp-alerts", rules.Stdout);
        Assert.Contains("prometheusrule.monitoring.coreos.com/myapp-rules", rules.Stdout);
        var vs = (await fx.Kubectl.RunAsync("get", "vs", "myapp", "-n", ns)).Ok();
        Assert.Matches(@"NAME\s+GATEWAYS\s+HOSTS\s+AGE", vs.Stdout);
        Assert.Contains("myapp.example.com", vs.Stdout);
        var dr = (await fx.Kubectl.RunAsync("get", "destinationrules.v1alpha3.networking.istio.io", "myapp", "-n", ns, "-o", "jsonpath={.apiVersion} {.spec.trafficPolicy.loadBalancer.simple}")).Ok();
        Assert.Equal("networking.istio.io/v1alpha3 LEAST_CONN", dr.Stdout);
        var invalid = await fx.Kubectl.ApplyAsync("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: nohost
            spec:
              trafficPolicy: {}
            """, "-n", ns);
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("spec.host: Required value", invalid.Output);
    }
}
