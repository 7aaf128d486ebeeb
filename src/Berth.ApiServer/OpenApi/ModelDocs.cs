using System.Collections.Frozen;
using System.Text;

namespace Berth.ApiServer.OpenApi;

/// <summary>
/// Kubernetes' descriptions of the <c>k8s.Models</c> types and properties, taken at build time from the
/// KubernetesClient XML doc file (see ModelDocs.targets) and embedded as a resource.
/// </summary>
/// <remarks>
/// The XML docs wrap Kubernetes' descriptions at about 80 columns; lines are re-joined with spaces and blank
/// lines become the "\n\n" paragraph breaks Kubernetes uses. Loaded once, on first use (~1.4 MB, a few ms).
/// </remarks>
internal static class ModelDocs
{
    private const string ResourceName = "Berth.ApiServer.OpenApi.ModelDocs.txt";

    private static readonly Lazy<FrozenDictionary<string, string>> Docs = new(Load);

    /// <summary>The description of a model type (by CLR name, e.g. <c>V1DeploymentSpec</c>), or null.</summary>
    public static string? ForType(Type type) => Docs.Value.GetValueOrDefault(type.Name);

    /// <summary>The description of a model property (by CLR property name), or null.</summary>
    public static string? ForProperty(Type declaringType, string clrPropertyName) =>
        Docs.Value.GetValueOrDefault(declaringType.Name + "." + clrPropertyName);

    /// <summary>Number of documented members; zero means the resource is missing (a build problem).</summary>
    public static int Count => Docs.Value.Count;

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = typeof(ModelDocs).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return FrozenDictionary<string, string>.Empty;
        }
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader);
    }

    internal static FrozenDictionary<string, string> Parse(TextReader reader)
    {
        var result = new Dictionary<string, string>(8192, StringComparer.Ordinal);
        var text = new StringBuilder(1024);
        string? member = null;
        var pendingBreak = false;
        while (reader.ReadLine() is { } raw)
        {
            var line = raw.AsSpan().Trim();
            if (line.StartsWith("#M:", StringComparison.Ordinal))
            {
                Flush();
                member = line[3..].ToString();
                continue;
            }
            if (member is null)
            {
                continue;
            }
            if (line.IsEmpty)
            {
                // A blank line inside a summary is a paragraph break; leading/trailing ones are not.
                pendingBreak = text.Length > 0;
                continue;
            }
            if (text.Length > 0)
            {
                text.Append(pendingBreak ? "\n\n" : " ");
            }
            pendingBreak = false;
            text.Append(line);
        }
        Flush();
        return result.ToFrozenDictionary(StringComparer.Ordinal);

        void Flush()
        {
            if (member is not null && text.Length > 0)
            {
                result[member] = text.ToString();
            }
            text.Clear();
            pendingBreak = false;
            member = null;
        }
    }
}
