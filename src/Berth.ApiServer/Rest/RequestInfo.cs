namespace Berth.ApiServer.Rest;

/// <summary>
/// What a request URL addresses, as kube-apiserver's RequestInfoFactory parses it:
/// <c>/api/v1/namespaces/{ns}/{resource}/{name}/{subresource}</c> and <c>/apis/{group}/{version}/…</c>.
/// </summary>
public sealed record RequestInfo
{
    /// <summary>True for resource URLs; false for discovery, health, version and other paths.</summary>
    public bool IsResourceRequest { get; init; }
    /// <summary>"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection".</summary>
    public string Verb { get; init; } = "";
    public string ApiPrefix { get; init; } = "";
    public string Group { get; init; } = "";
    public string Version { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string Resource { get; init; } = "";
    public string Subresource { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>Path segments after the subresource (pods/x/proxy/extra/path).</summary>
    public string[] Rest { get; init; } = [];
    public string Path { get; init; } = "";
}

/// <summary>Parses request paths into <see cref="RequestInfo"/>.</summary>
public static class RequestInfoParser
{
    /// <summary>Parses <paramref name="path"/> for HTTP <paramref name="method"/>; watch is detected from the query.</summary>
    public static RequestInfo Parse(string method, string path, bool watchParam)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.None);
        if (segments.Length == 0 || (segments[0] != "api" && segments[0] != "apis"))
        {
            return new RequestInfo { Path = path, Verb = method.ToLowerInvariant() };
        }
        var prefix = segments[0];
        var i = 1;
        string group = "";
        if (prefix == "apis")
        {
            if (segments.Length < 3)
            {
                return new RequestInfo { Path = path, ApiPrefix = prefix, Group = segments.Length > 1 ? segments[1] : "" };
            }
            group = segments[1];
            i = 2;
        }
        else if (segments.Length < 3)
        {
            return new RequestInfo { Path = path, ApiPrefix = prefix, Version = segments.Length > 1 ? segments[1] : "" };
        }
        var version = segments[i++];
        var rest = segments[i..];
        var isWatch = watchParam;
        // Legacy /watch/ prefix: /api/v1/watch/namespaces/x/pods
        if (rest.Length > 0 && rest[0] == "watch")
        {
            isWatch = true;
            rest = rest[1..];
        }
        var ns = "";
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            // /namespaces/{ns}/{resource}… unless it is the namespace's own subresource (status, finalize).
            if (rest.Length == 3 && (rest[2] == "status" || rest[2] == "finalize"))
            {
                // cluster-scoped: namespaces/{name}/{subresource}
            }
            else
            {
                ns = rest[1];
                rest = rest[2..];
            }
        }
        if (rest.Length == 0 || rest[0].Length == 0)
        {
            return new RequestInfo { Path = path, ApiPrefix = prefix, Group = group, Version = version };
        }
        var resource = rest[0];
        var name = rest.Length > 1 ? rest[1] : "";
        var sub = rest.Length > 2 ? rest[2] : "";
        var extra = rest.Length > 3 ? rest[3..] : [];
        var verb = method switch
        {
            "POST" => "create",
            "GET" or "HEAD" => isWatch ? "watch" : name.Length == 0 ? "list" : "get",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name.Length == 0 ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };
        return new RequestInfo
        {
            IsResourceRequest = true,
            Path = path,
            ApiPrefix = prefix,
            Group = group,
            Version = version,
            Namespace = ns,
            Resource = resource,
            Name = Uri.UnescapeDataString(name),
            Subresource = sub,
            Rest = extra,
            Verb = verb,
        };
    }
}
