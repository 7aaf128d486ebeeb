namespace Berth.Api.Kinds;

/// <summary>A group, version and kind, as <c>apiVersion</c> plus <c>kind</c> name them.</summary>
public readonly record struct GroupVersionKind(string Group, string Version, string Kind)
{
    public string ApiVersion => string.IsNullOrEmpty(Group) ? Version : Group + "/" + Version;

    /// <summary>Splits an <c>apiVersion</c> such as <c>apps/v1</c> or <c>v1</c>.</summary>
    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    public override string ToString() => ApiVersion + ", Kind=" + Kind;
}
