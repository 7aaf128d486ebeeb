using System.Security.Cryptography;
using Berth.ApiServer.Registry;

namespace Berth.ApiServer.Auth;

/// <summary>
/// Static bearer tokens in kube's token-file format (<c>token,user,uid,"group1,group2"</c>) at
/// <c>{dataDir}/tokens.csv</c>. First start writes one read-only token for metrics scrapers
/// (user berth-scrape, group system:monitoring).
/// </summary>
public sealed class TokenFile
{
    public const string MonitoringGroup = "system:monitoring";

    private readonly Dictionary<string, RequestUser> _tokens = new(StringComparer.Ordinal);

    private TokenFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>The read-only scrape token.</summary>
    public string ScrapeToken { get; private set; } = "";

    public static TokenFile LoadOrCreate(string dataDir)
    {
        var path = System.IO.Path.Combine(dataDir, "tokens.csv");
        if (!File.Exists(path))
        {
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            File.WriteAllText(path, $"{token},berth-scrape,berth-scrape,\"{MonitoringGroup}\"\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var file = new TokenFile(path);
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = SplitCsv(line);
            if (parts.Count < 2 || parts[0].Length == 0)
            {
                continue;
            }
            var groups = parts.Count > 3 ? parts[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            file._tokens[parts[0]] = new RequestUser(parts[1], groups);
            if (parts[1] == "berth-scrape")
            {
                file.ScrapeToken = parts[0];
            }
        }
        return file;
    }

    public RequestUser? Lookup(string token) => _tokens.GetValueOrDefault(token);

    private static List<string> SplitCsv(string line)
    {
        var result = new List<string>();
        var sb = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                result.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }
        result.Add(sb.ToString());
        return result;
    }
}
