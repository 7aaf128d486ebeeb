using System.Reflection;
using System.Text.Json;

namespace Berth.ApiServer.Rest;

/// <summary>
/// What <c>/version</c> reports: a Kubernetes 1.33 version (clients such as the kubectl dispatcher pick
/// their version from it) with Berth's own version as build metadata and in <c>berthVersion</c>.
/// </summary>
public sealed class ServerVersion
{
    public const string KubernetesMajor = "1";
    public const string KubernetesMinor = "33";
    public const string KubernetesPatch = "0";

    public ServerVersion()
    {
        Berth = typeof(ServerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? "0.0.0";
        GitVersion = $"v{KubernetesMajor}.{KubernetesMinor}.{KubernetesPatch}+berth.{Berth}";
        Json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["major"] = KubernetesMajor,
            ["minor"] = KubernetesMinor,
            ["emulationMajor"] = KubernetesMajor,
            ["emulationMinor"] = KubernetesMinor,
            ["minCompatibilityMajor"] = KubernetesMajor,
            ["minCompatibilityMinor"] = "32",
            ["gitVersion"] = GitVersion,
            ["gitCommit"] = "berth",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2026-11-23T00:00:00Z",
            ["goVersion"] = "dotnet" + Environment.Version,
            ["compiler"] = "dotnet",
            ["platform"] = "linux/amd64",
            ["berthVersion"] = Berth,
        });
    }

    /// <summary>Berth's own version.</summary>
    public string Berth { get; }

    public string GitVersion { get; }

    public byte[] Json { get; }
}
