namespace Berth.ApiServer.Tables;

/// <summary>The clock reading one conversion uses for every age it prints, so a list's ages are consistent.</summary>
internal readonly struct PrintContext(DateTimeOffset now)
{
    public DateTimeOffset Now { get; } = now;

    /// <summary>kube's <c>translateTimestampSince</c>: the age of <paramref name="t"/>, <c>&lt;unknown&gt;</c> when unset.</summary>
    public string Since(DateTimeOffset? t) => t is { } v ? HumanDuration.Format(Now - v) : "<unknown>";

    /// <summary>The AGE cell: how long ago <c>metadata.creationTimestamp</c> was.</summary>
    public string Age(JsonView obj) => Since(obj["metadata"]["creationTimestamp"].Time);

    /// <summary>The NAME cell: <c>metadata.name</c>.</summary>
    public static string Name(JsonView obj) => obj["metadata"]["name"].S;
}
