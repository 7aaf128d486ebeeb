using System.CommandLine;

namespace Berth.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    /// <summary>/var/lib/berth as root, ~/.berth otherwise.</summary>
    public static string DefaultDataDir =>
        Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root"
            ? "/var/lib/berth"
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".berth");

    public static Option<string> DataDir() => new("--data-dir")
    {
        Description = "Directory for the store, certificates and kubeconfig",
        DefaultValueFactory = _ => DefaultDataDir,
    };

    public static Option<int> SecurePort() => new("--secure-port")
    {
        Description = "HTTPS port of the API server",
        DefaultValueFactory = _ => 6443,
    };
}
