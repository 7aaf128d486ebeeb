using System.Text.Json.Nodes;
using Berth.Api.Kinds;

namespace Berth.ApiServer.OpenApi;

/// <summary>Assembles whole OpenAPI documents (one v3 document per discovery path, one v2 document) from a set of resources.</summary>
internal sealed class DocumentBuilder
{
    private readonly IReadOnlyList<ResourceInfo> _resources;
    private readonly string _serverVersion;

    public DocumentBuilder(IReadOnlyList<ResourceInfo> resources, string serverVersion)
    {
        _resources = resources;
        _serverVersion = serverVersion;
        var groupVersions = new List<(string, string)>();
        var builtinGroupVersions = new List<(string, string)>();
        var groups = new List<string>();
        foreach (var r in resources)
        {
            if (r.ModelType is not null && !builtinGroupVersions.Contains((r.Group, r.Version)))
            {
                builtinGroupVersions.Add((r.Group, r.Version));
            }
            if (!groupVersions.Contains((r.Group, r.Version)))
            {
                groupVersions.Add((r.Group, r.Version));
            }
            if (r.Group.Length > 0 && !groups.Contains(r.Group))
            {
                groups.Add(r.Group);
            }
        }
        GroupVersions = groupVersions;
        _builtinGroupVersions = builtinGroupVersions;
        Groups = groups;
    }

    // DeleteOptions and WatchEvent list the built-in group-versions only, so that establishing a CRD does not
    // change (and invalidate clients' caches of) the documents of other groups.
    private readonly IReadOnlyList<(string, string)> _builtinGroupVersions;

    /// <summary>Every served group-version, in registry order.</summary>
    public IReadOnlyList<(string Group, string Version)> GroupVersions { get; }

    /// <summary>Every named API group, in registry order.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>
    /// The v3 discovery paths: <c>api</c>, <c>api/v1</c>, <c>apis</c>, <c>apis/{group}</c>, <c>apis/{group}/{version}</c>, <c>version</c>.
    /// </summary>
    public IEnumerable<string> V3Paths()
    {
        yield return "api";
        yield return "apis";
        yield return "version";
        foreach (var g in Groups)
        {
            yield return "apis/" + g;
        }
        foreach (var (g, v) in GroupVersions)
        {
            yield return GroupVersionPath(g, v);
        }
    }

    public static string GroupVersionPath(string group, string version) => group.Length == 0 ? "api/" + version : "apis/" + group + "/" + version;

    /// <summary>The v3 document for one discovery path, or null when the path is not served.</summary>
    public JsonObject? BuildV3(string path)
    {
        var schemas = new SchemaBuilder(OpenApiFlavor.V3, _builtinGroupVersions);
        var paths = new PathBuilder(schemas);
        if (path == "api")
        {
            paths.AddCoreApiVersions();
        }
        else if (path == "apis")
        {
            paths.AddApiGroupList();
        }
        else if (path == "version")
        {
            paths.AddVersion();
        }
        else if (path.StartsWith("apis/", StringComparison.Ordinal) && path.IndexOf('/', 5) < 0 && Groups.Contains(path[5..]))
        {
            paths.AddApiGroup(path[5..]);
        }
        else if (GroupVersions.FirstOrDefault(gv => GroupVersionPath(gv.Group, gv.Version) == path) is { Version: not null } gv)
        {
            paths.AddGroupVersionRoot(gv.Group, gv.Version);
            foreach (var r in _resources)
            {
                if (r.Group == gv.Group && r.Version == gv.Version)
                {
                    paths.AddResource(r);
                }
            }
        }
        else
        {
            return null;
        }
        return Json.Obj(
            ("components", Json.Obj(
                ("schemas", Definitions(schemas)),
                ("securitySchemes", Json.Obj(("BearerToken", BearerToken()))))),
            ("info", Info()),
            ("openapi", "3.0.0"),
            ("paths", PathsObject(paths)));
    }

    /// <summary>The Swagger 2.0 document of the whole API.</summary>
    public JsonObject BuildV2()
    {
        var schemas = new SchemaBuilder(OpenApiFlavor.V2, _builtinGroupVersions);
        var paths = new PathBuilder(schemas);
        paths.AddCoreApiVersions();
        paths.AddApiGroupList();
        paths.AddVersion();
        foreach (var g in Groups)
        {
            paths.AddApiGroup(g);
        }
        foreach (var (g, v) in GroupVersions)
        {
            paths.AddGroupVersionRoot(g, v);
        }
        foreach (var r in _resources)
        {
            paths.AddResource(r);
        }
        return Json.Obj(
            ("definitions", Definitions(schemas)),
            ("info", Info()),
            ("paths", PathsObject(paths)),
            ("security", new JsonArray(Json.Obj(("BearerToken", new JsonArray())))),
            ("securityDefinitions", Json.Obj(("BearerToken", BearerToken()))),
            ("swagger", "2.0"));
    }

    private JsonObject Info() => Json.Obj(("title", "Kubernetes"), ("version", _serverVersion));

    private static JsonObject BearerToken() =>
        Json.Obj(("description", "Bearer Token authentication"), ("in", "header"), ("name", "authorization"), ("type", "apiKey"));

    private static JsonObject Definitions(SchemaBuilder schemas)
    {
        var o = new JsonObject();
        foreach (var (name, definition) in schemas.Definitions)
        {
            o[name] = definition;
        }
        return o;
    }

    private static JsonObject PathsObject(PathBuilder paths)
    {
        var o = new JsonObject();
        foreach (var (path, item) in paths.Paths)
        {
            o[path] = item;
        }
        return o;
    }
}
