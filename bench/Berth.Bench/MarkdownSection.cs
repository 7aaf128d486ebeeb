namespace Berth.Bench;

/// <summary>Puts a report section ("## Heading" and what follows) into a markdown file, keeping the other sections.</summary>
internal static class MarkdownSection
{
    public static void Upsert(string path, string section)
    {
        var heading = section.Split('\n', 2)[0].TrimEnd();
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        var lines = text.Split('\n').ToList();
        var start = lines.FindIndex(l => l.TrimEnd() == heading);
        var body = section.TrimEnd('\n').Split('\n');
        if (start < 0)
        {
            File.WriteAllText(path, text.TrimEnd('\n') + "\n\n" + string.Join('\n', body) + "\n");
            return;
        }
        var end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        if (end < 0)
        {
            end = lines.Count;
        }
        var sectionsFollow = end < lines.Count;
        lines.RemoveRange(start, end - start);
        lines.InsertRange(start, sectionsFollow ? [.. body, ""] : body);
        File.WriteAllText(path, string.Join('\n', lines).TrimEnd('\n') + "\n");
    }
}
