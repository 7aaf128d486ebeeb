using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using k8s.Models;

namespace Berth.ApiServer.OpenApi;

/// <summary>
/// Builds the <c>paths</c> of an OpenAPI document: for each resource the operations kube-apiserver installs
/// (list, create, deletecollection, read, replace, patch, delete, watch, the all-namespaces forms and the
/// subresources), with kube's operation ids, descriptions, parameters and <c>x-kubernetes-*</c> extensions.
/// </summary>
/// <remarks>
/// kubectl relies on two things here: <c>kubectl explain</c> finds a resource's kind from the
/// <c>x-kubernetes-group-version-kind</c> of the operations on its path, and kubectl detects server-side field
/// validation from a <c>fieldValidation</c> query parameter on the PATCH operations of a kind.
/// </remarks>
internal sealed class PathBuilder(SchemaBuilder schemas)
{
    private static readonly string[] ObjectContent = ["application/json", "application/yaml"];
    private static readonly string[] StreamContent = ["application/json", "application/json;stream=watch", "application/yaml"];
    private static readonly string[] PatchContent =
        ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];
    // Custom resources accept every patch type except strategic merge patch.
    private static readonly string[] CustomPatchContent =
        ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];
    private static readonly string[] AnyContent = ["*/*"];

    private readonly SortedDictionary<string, JsonObject> _paths = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, JsonObject> Paths => _paths;

    private bool V3 => schemas.Flavor == OpenApiFlavor.V3;

    /// <summary><c>/api/</c>: the core API versions.</summary>
    public void AddCoreApiVersions() =>
        AddOperation("/api/", "get", new Op("getCoreAPIVersions", "get available API versions", ["core"])
        {
            Responses = [new("200", "OK", schemas.Add(typeof(V1APIVersions)))],
        });

    /// <summary><c>/apis/</c>: the API groups.</summary>
    public void AddApiGroupList() =>
        AddOperation("/apis/", "get", new Op("getAPIVersions", "get available API versions", ["apis"])
        {
            Responses = [new("200", "OK", schemas.Add(typeof(V1APIGroupList)))],
        });

    /// <summary><c>/apis/{group}/</c>: one API group.</summary>
    public void AddApiGroup(string group) =>
        AddOperation("/apis/" + group + "/", "get", new Op("get" + GroupId(group) + "APIGroup", "get information of a group", [GroupTag(group)])
        {
            Responses = [new("200", "OK", schemas.Add(typeof(V1APIGroup)))],
        });

    /// <summary><c>/version/</c>: the server version.</summary>
    public void AddVersion() =>
        AddOperation("/version/", "get", new Op("getCodeVersion", "get the version information for this server", ["version"])
        {
            Responses = [new("200", "OK", schemas.Add(typeof(VersionInfo))) { Content = ["application/json"] }],
        });

    /// <summary><c>/api/v1/</c> or <c>/apis/{group}/{version}/</c>: the resources of a group-version.</summary>
    public void AddGroupVersionRoot(string group, string version) =>
        AddOperation(Base(group, version) + "/", "get",
            new Op("get" + GroupId(group) + VersionId(version) + "APIResources", "get available resources", [Tag(group, version)])
            {
                Responses = [new("200", "OK", schemas.Add(typeof(V1APIResourceList)))],
            });

    /// <summary>All paths of one resource and its subresources.</summary>
    public void AddResource(ResourceInfo r)
    {
        var custom = r.ModelType is null;
        string objectName, listName;
        if (custom)
        {
            (objectName, listName) = schemas.AddCustom(r);
        }
        else
        {
            objectName = schemas.Add(r.ModelType!);
            listName = ListType(r.ModelType!) is { } listType ? schemas.Add(listType) : objectName;
        }
        var gvk = (r.Group, r.Version, r.Kind);
        var gv = GroupId(r.Group) + VersionId(r.Version);
        var tags = new[] { Tag(r.Group, r.Version) };
        var ns = r.Namespaced ? "Namespaced" : "";
        var basePath = Base(r.Group, r.Version);
        var collection = basePath + (r.Namespaced ? "/namespaces/{namespace}/" : "/") + r.Resource;
        var item = collection + "/{name}";
        var verbs = r.Verbs.ToHashSet(StringComparer.Ordinal);
        var status = Status();
        var nsParam = r.Namespaced ? new[] { Path("namespace", KubeTexts.Namespace) } : [];
        var itemParams = new[] { Path("name", "name of the " + r.Kind) }.Concat(nsParam).Append(Query("pretty", "string", KubeTexts.Pretty)).ToArray();
        var collectionParams = nsParam.Append(Query("pretty", "string", KubeTexts.Pretty)).ToArray();

        if (verbs.Contains("list"))
        {
            AddOperation(collection, "get", new Op("list" + gv + ns + r.Kind, "list or watch objects of kind " + r.Kind, tags)
            {
                Parameters = ListParameters(includePretty: false),
                Responses = [new("200", "OK", listName) { Content = StreamContent }],
                Action = "list",
                Gvk = gvk,
            });
        }
        if (verbs.Contains("create"))
        {
            AddOperation(collection, "post", new Op("create" + gv + ns + r.Kind, "create a" + Article(r.Kind) + " " + r.Kind, tags)
            {
                Parameters = WriteParameters(patch: false),
                Body = new(objectName, Required: true),
                Responses = [new("200", "OK", objectName), new("201", "Created", objectName), new("202", "Accepted", objectName)],
                Action = "post",
                Gvk = gvk,
            });
        }
        if (verbs.Contains("deletecollection"))
        {
            AddOperation(collection, "delete", new Op("delete" + gv + "Collection" + ns + r.Kind, "delete collection of " + r.Kind, tags)
            {
                Parameters = DeleteCollectionParameters(),
                Body = new(schemas.Add(typeof(V1DeleteOptions)), Required: false),
                Responses = [new("200", "OK", status)],
                Action = "deletecollection",
                Gvk = gvk,
            });
        }
        if (_paths.ContainsKey(collection))
        {
            SetPathParameters(collection, collectionParams);
        }

        if (verbs.Contains("get"))
        {
            AddOperation(item, "get", new Op("read" + gv + ns + r.Kind, "read the specified " + r.Kind, tags)
            {
                Responses = [new("200", "OK", objectName)],
                Action = "get",
                Gvk = gvk,
            });
        }
        if (verbs.Contains("update"))
        {
            AddOperation(item, "put", Replace("replace" + gv + ns + r.Kind, "replace the specified " + r.Kind, objectName, tags, gvk));
        }
        if (verbs.Contains("patch"))
        {
            AddOperation(item, "patch", Patch("patch" + gv + ns + r.Kind, "partially update the specified " + r.Kind, objectName, tags, gvk, custom));
        }
        if (verbs.Contains("delete"))
        {
            AddOperation(item, "delete", new Op("delete" + gv + ns + r.Kind, "delete a" + Article(r.Kind) + " " + r.Kind, tags)
            {
                Parameters =
                [
                    Query("dryRun", "string", KubeTexts.DryRun),
                    Query("gracePeriodSeconds", "integer", KubeTexts.GracePeriodSeconds),
                    Query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean", KubeTexts.IgnoreStoreReadError),
                    Query("orphanDependents", "boolean", KubeTexts.OrphanDependents),
                    Query("propagationPolicy", "string", KubeTexts.PropagationPolicy),
                ],
                Body = new(schemas.Add(typeof(V1DeleteOptions)), Required: false),
                Responses = [new("200", "OK", status), new("202", "Accepted", status)],
                Action = "delete",
                Gvk = gvk,
            });
        }
        if (_paths.ContainsKey(item))
        {
            SetPathParameters(item, itemParams);
        }

        if (verbs.Contains("watch"))
        {
            var watchEvent = schemas.Add(typeof(V1WatchEvent));
            var watchBase = basePath + "/watch" + (r.Namespaced ? "/namespaces/{namespace}/" : "/") + r.Resource;
            AddOperation(watchBase + "/{name}", "get", new Op("watch" + gv + ns + r.Kind,
                "watch changes to an object of kind " + r.Kind + ". deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.", tags)
            {
                Responses = [new("200", "OK", watchEvent) { Content = StreamContent }],
                Action = "watch",
                Gvk = gvk,
            });
            SetPathParameters(watchBase + "/{name}", [.. ListParameters(includePretty: true), .. itemParams.Where(p => p.In == "path")]);
            AddOperation(watchBase, "get", new Op("watch" + gv + ns + r.Kind + "List",
                "watch individual changes to a list of " + r.Kind + ". deprecated: use the 'watch' parameter with a list operation instead.", tags)
            {
                Responses = [new("200", "OK", watchEvent) { Content = StreamContent }],
                Action = "watchlist",
                Gvk = gvk,
            });
            SetPathParameters(watchBase, [.. ListParameters(includePretty: true), .. nsParam]);
            if (r.Namespaced)
            {
                var all = basePath + "/watch/" + r.Resource;
                AddOperation(all, "get", new Op("watch" + gv + r.Kind + "ListForAllNamespaces",
                    "watch individual changes to a list of " + r.Kind + ". deprecated: use the 'watch' parameter with a list operation instead.", tags)
                {
                    Responses = [new("200", "OK", watchEvent) { Content = StreamContent }],
                    Action = "watchlist",
                    Gvk = gvk,
                });
                SetPathParameters(all, ListParameters(includePretty: true));
            }
        }
        if (r.Namespaced && verbs.Contains("list"))
        {
            var all = basePath + "/" + r.Resource;
            AddOperation(all, "get", new Op("list" + gv + r.Kind + "ForAllNamespaces", "list or watch objects of kind " + r.Kind, tags)
            {
                Responses = [new("200", "OK", listName) { Content = StreamContent }],
                Action = "list",
                Gvk = gvk,
            });
            SetPathParameters(all, ListParameters(includePretty: true));
        }

        foreach (var sub in r.Subresources)
        {
            AddSubresource(r, sub, item, itemParams, objectName, gv, ns, tags, gvk, custom, verbs);
        }
    }

    private void AddSubresource(ResourceInfo r, string sub, string item, Param[] itemParams, string objectName, string gv, string ns,
        string[] tags, (string, string, string) gvk, bool custom, HashSet<string> verbs)
    {
        var path = item + "/" + sub;
        var id = gv + ns + r.Kind + Capitalize(sub);
        switch (sub)
        {
            case "status" or "ephemeralcontainers" or "resize" or "scale":
                var scale = sub == "scale";
                var schema = scale ? schemas.Add(typeof(V1Scale)) : objectName;
                var subGvk = scale ? ("autoscaling", "v1", "Scale") : gvk;
                if (verbs.Contains("get"))
                {
                    AddOperation(path, "get", new Op("read" + id, "read " + sub + " of the specified " + r.Kind, tags)
                    {
                        Responses = [new("200", "OK", schema)],
                        Action = "get",
                        Gvk = subGvk,
                    });
                }
                if (verbs.Contains("update"))
                {
                    AddOperation(path, "put", Replace("replace" + id, "replace " + sub + " of the specified " + r.Kind, schema, tags, subGvk));
                }
                if (verbs.Contains("patch"))
                {
                    AddOperation(path, "patch", Patch("patch" + id, "partially update " + sub + " of the specified " + r.Kind, schema, tags, subGvk, custom));
                }
                break;
            case "binding":
                AddCreate(path, id, "create binding of a" + Article(r.Kind) + " " + r.Kind, schemas.Add(typeof(V1Binding)), tags, ("", "v1", "Binding"));
                break;
            case "eviction":
                AddCreate(path, id, "create eviction of a" + Article(r.Kind) + " " + r.Kind, schemas.Add(typeof(V1Eviction)), tags, ("policy", "v1", "Eviction"));
                break;
            case "token":
                AddCreate(path, id, "create token of a" + Article(r.Kind) + " " + r.Kind, schemas.Add(typeof(Authenticationv1TokenRequest)), tags,
                    ("authentication.k8s.io", "v1", "TokenRequest"));
                break;
            case "finalize":
                AddOperation(path, "put", Replace("replace" + id, "replace finalize of the specified " + r.Kind, objectName, tags, gvk));
                break;
            case "log":
                AddOperation(path, "get", new Op("read" + id, "read log of the specified " + r.Kind, tags)
                {
                    Parameters =
                    [
                        Query("container", "string", KubeTexts.LogContainer),
                        Query("follow", "boolean", KubeTexts.LogFollow),
                        Query("insecureSkipTLSVerifyBackend", "boolean", KubeTexts.LogInsecureSkipTls),
                        Query("limitBytes", "integer", KubeTexts.LogLimitBytes),
                        Query("previous", "boolean", KubeTexts.LogPrevious),
                        Query("sinceSeconds", "integer", KubeTexts.LogSinceSeconds),
                        Query("stream", "string", KubeTexts.LogStream),
                        Query("tailLines", "integer", KubeTexts.LogTailLines),
                        Query("timestamps", "boolean", KubeTexts.LogTimestamps),
                    ],
                    Responses = [new("200", "OK", null) { Content = ["text/plain", "application/json", "application/yaml"] }],
                    Action = "get",
                    Gvk = gvk,
                });
                break;
            case "exec":
                AddConnect(path, ["get", "post"], gv, ns + r.Kind + "Exec", sub, r.Kind, tags, "PodExecOptions",
                [
                    Query("command", "string", KubeTexts.ExecCommand),
                    Query("container", "string", KubeTexts.ExecContainer),
                    Query("stderr", "boolean", KubeTexts.StreamStderr),
                    Query("stdin", "boolean", KubeTexts.StreamStdin),
                    Query("stdout", "boolean", KubeTexts.StreamStdout),
                    Query("tty", "boolean", KubeTexts.StreamTty),
                ], itemParams);
                break;
            case "attach":
                AddConnect(path, ["get", "post"], gv, ns + r.Kind + "Attach", sub, r.Kind, tags, "PodAttachOptions",
                [
                    Query("container", "string", KubeTexts.AttachContainer),
                    Query("stderr", "boolean", KubeTexts.StreamStderr),
                    Query("stdin", "boolean", KubeTexts.StreamStdin),
                    Query("stdout", "boolean", KubeTexts.StreamStdout),
                    Query("tty", "boolean", KubeTexts.StreamTty),
                ], itemParams);
                break;
            case "portforward":
                AddConnect(path, ["get", "post"], gv, ns + r.Kind + "Portforward", sub, r.Kind, tags, "PodPortForwardOptions",
                    [Query("ports", "integer", KubeTexts.Ports)], itemParams);
                break;
            case "proxy":
                string[] methods = ["delete", "get", "head", "options", "patch", "post", "put"];
                var options = r.Kind + "ProxyOptions";
                AddConnect(path, methods, gv, ns + r.Kind + "Proxy", sub, r.Kind, tags, options,
                    [Query("path", "string", KubeTexts.ProxyPath)], itemParams);
                AddConnect(path + "/{path}", methods, gv, ns + r.Kind + "ProxyWithPath", sub, r.Kind, tags, options,
                    [Path("path", "path to the resource"), Query("path", "string", KubeTexts.ProxyPath)], itemParams);
                break;
        }
        if (_paths.ContainsKey(path) && !_paths[path].ContainsKey("parameters"))
        {
            SetPathParameters(path, itemParams);
        }
    }

    private void AddCreate(string path, string id, string description, string bodySchema, string[] tags, (string, string, string) gvk) =>
        AddOperation(path, "post", new Op("create" + id, description, tags)
        {
            Parameters = WriteParameters(patch: false),
            Body = new(bodySchema, Required: true),
            Responses = [new("200", "OK", bodySchema), new("201", "Created", bodySchema), new("202", "Accepted", bodySchema)],
            Action = "post",
            Gvk = gvk,
        });

    private void AddConnect(string path, string[] methods, string gv, string rest, string sub, string kind, string[] tags, string optionsKind,
        Param[] parameters, Param[] itemParams)
    {
        foreach (var method in methods)
        {
            // kube puts the HTTP method after the group-version: connectCoreV1GetNamespacedPodExec.
            AddOperation(path, method, new Op("connect" + gv + Capitalize(method) + rest,
                "connect " + method.ToUpperInvariant() + " requests to " + sub + " of " + kind, tags)
            {
                Responses = [new("200", "OK", null) { Content = AnyContent }],
                Action = "connect",
                Gvk = ("", "v1", optionsKind),
            });
        }
        SetPathParameters(path, [.. parameters, .. itemParams.Where(p => p.In == "path")]);
    }

    private Op Replace(string id, string description, string schema, string[] tags, (string, string, string) gvk) =>
        new(id, description, tags)
        {
            Parameters = WriteParameters(patch: false),
            Body = new(schema, Required: true),
            Responses = [new("200", "OK", schema), new("201", "Created", schema)],
            Action = "put",
            Gvk = gvk,
        };

    private Op Patch(string id, string description, string schema, string[] tags, (string, string, string) gvk, bool custom) =>
        new(id, description, tags)
        {
            Parameters = WriteParameters(patch: true),
            Body = new(schemas.AddSpecial(DefinitionNames.Patch), Required: true) { Content = custom ? CustomPatchContent : PatchContent },
            Responses = [new("200", "OK", schema), new("201", "Created", schema)],
            Action = "patch",
            Gvk = gvk,
        };

    private string Status() => schemas.Add(typeof(V1Status));

    private static Type? ListType(Type modelType) =>
        modelType.Assembly.GetType(modelType.Namespace + "." + modelType.Name + "List");

    private static Param[] WriteParameters(bool patch)
    {
        var list = new List<Param>
        {
            Query("dryRun", "string", KubeTexts.DryRun),
            Query("fieldManager", "string", patch ? KubeTexts.FieldManagerPatch : KubeTexts.FieldManager),
            Query("fieldValidation", "string", KubeTexts.FieldValidation),
        };
        if (patch)
        {
            list.Add(Query("force", "boolean", KubeTexts.Force));
        }
        return [.. list];
    }

    private static Param[] ListParameters(bool includePretty)
    {
        var list = new List<Param>
        {
            Query("allowWatchBookmarks", "boolean", KubeTexts.AllowWatchBookmarks),
            Query("continue", "string", KubeTexts.Continue),
            Query("fieldSelector", "string", KubeTexts.FieldSelector),
            Query("labelSelector", "string", KubeTexts.LabelSelector),
            Query("limit", "integer", KubeTexts.Limit),
        };
        if (includePretty)
        {
            list.Add(Query("pretty", "string", KubeTexts.Pretty));
        }
        list.Add(Query("resourceVersion", "string", KubeTexts.ResourceVersion));
        list.Add(Query("resourceVersionMatch", "string", KubeTexts.ResourceVersionMatch));
        list.Add(Query("sendInitialEvents", "boolean", KubeTexts.SendInitialEvents));
        list.Add(Query("timeoutSeconds", "integer", KubeTexts.TimeoutSeconds));
        list.Add(Query("watch", "boolean", KubeTexts.Watch));
        return [.. list];
    }

    private static Param[] DeleteCollectionParameters() =>
    [
        Query("continue", "string", KubeTexts.Continue),
        Query("dryRun", "string", KubeTexts.DryRun),
        Query("fieldSelector", "string", KubeTexts.FieldSelector),
        Query("gracePeriodSeconds", "integer", KubeTexts.GracePeriodSeconds),
        Query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean", KubeTexts.IgnoreStoreReadError),
        Query("labelSelector", "string", KubeTexts.LabelSelector),
        Query("limit", "integer", KubeTexts.Limit),
        Query("orphanDependents", "boolean", KubeTexts.OrphanDependents),
        Query("propagationPolicy", "string", KubeTexts.PropagationPolicy),
        Query("resourceVersion", "string", KubeTexts.ResourceVersion),
        Query("resourceVersionMatch", "string", KubeTexts.ResourceVersionMatch),
        Query("sendInitialEvents", "boolean", KubeTexts.SendInitialEvents),
        Query("timeoutSeconds", "integer", KubeTexts.TimeoutSeconds),
    ];

    private static Param Query(string name, string type, string description) => new(name, "query", type, description, false);

    private static Param Path(string name, string description) => new(name, "path", "string", description, true);

    private void SetPathParameters(string path, IEnumerable<Param> parameters)
    {
        var sorted = parameters.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.In, StringComparer.Ordinal);
        var item = _paths[path];
        item["parameters"] = new JsonArray([.. sorted.Select(ParamJson)]);
        Json.SortKeys(item);
    }

    private void AddOperation(string path, string method, Op op)
    {
        if (!_paths.TryGetValue(path, out var item))
        {
            item = new JsonObject();
            _paths[path] = item;
        }
        item[method] = OperationJson(op);
        Json.SortKeys(item);
    }

    private JsonObject ParamJson(Param p)
    {
        var typeSchema = Json.Obj(("type", p.Type), ("uniqueItems", true));
        return V3
            ? Json.Obj(("description", p.Description), ("in", p.In), ("name", p.Name), ("required", p.Required ? true : null), ("schema", typeSchema))
            : Json.Obj(("description", p.Description), ("in", p.In), ("name", p.Name), ("required", p.Required ? true : null),
                ("type", p.Type), ("uniqueItems", true));
    }

    private JsonObject OperationJson(Op op)
    {
        var entries = new List<(string, JsonNode?)>
        {
            ("description", op.Description),
            ("operationId", op.Id),
            ("tags", Json.Strings(op.Tags)),
            ("x-kubernetes-action", op.Action),
        };
        if (op.Gvk is var (g, v, k))
        {
            entries.Add(("x-kubernetes-group-version-kind", Json.Gvk(g, v, k)));
        }
        var parameters = op.Parameters.Select(ParamJson).ToList();
        var responses = new List<(string, JsonNode?)>();
        foreach (var response in op.Responses)
        {
            responses.Add((response.Code, V3 ? ResponseV3(response) : ResponseV2(response)));
        }
        responses.Add(("401", Json.Obj(("description", "Unauthorized"))));
        entries.Add(("responses", Json.Obj([.. responses])));
        if (V3)
        {
            if (op.Body is { } body)
            {
                var content = new List<(string, JsonNode?)>();
                foreach (var type in body.Content ?? AnyContent)
                {
                    content.Add((type, Json.Obj(("schema", schemas.Ref(body.Schema)))));
                }
                entries.Add(("requestBody", Json.Obj(("content", Json.Obj([.. content])), ("required", body.Required ? true : null))));
            }
        }
        else
        {
            if (op.Body is { } body)
            {
                parameters.Insert(0, Json.Obj(("in", "body"), ("name", "body"), ("required", body.Required ? true : null),
                    ("schema", schemas.Ref(body.Schema))));
            }
            entries.Add(("consumes", Json.Strings(op.Body?.Content ?? AnyContent)));
            entries.Add(("produces", Json.Strings(op.Responses.Count > 0 ? op.Responses[0].Content : ObjectContent)));
            entries.Add(("schemes", Json.Strings(["https"])));
        }
        if (parameters.Count > 0)
        {
            entries.Add(("parameters", new JsonArray([.. parameters])));
        }
        return Json.Obj([.. entries]);
    }

    private JsonObject ResponseV3(Response r)
    {
        var schema = r.Schema is null ? Json.Obj(("type", "string")) : schemas.Ref(r.Schema);
        var content = new List<(string, JsonNode?)>();
        foreach (var type in r.Content)
        {
            content.Add((type, Json.Obj(("schema", schema.DeepClone()))));
        }
        return Json.Obj(("content", Json.Obj([.. content])), ("description", r.Description));
    }

    private JsonObject ResponseV2(Response r) =>
        Json.Obj(("description", r.Description), ("schema", r.Schema is null ? Json.Obj(("type", "string")) : schemas.Ref(r.Schema)));

    private static string Base(string group, string version) => group.Length == 0 ? "/api/" + version : "/apis/" + group + "/" + version;

    /// <summary>The group part of kube's operation ids: the group without ".k8s.io", in camel case ("Core" for the core group).</summary>
    public static string GroupId(string group) =>
        ToValidOperationId(group.Length == 0 ? "core" : TrimK8sIo(group), capitalizeFirst: true);

    public static string VersionId(string version) => ToValidOperationId(version, capitalizeFirst: true);

    /// <summary>The tag kube-apiserver gives operations of a group-version, e.g. <c>apps_v1</c>, <c>core_v1</c>.</summary>
    public static string Tag(string group, string version) => GroupTag(group) + "_" + ToValidOperationId(version, capitalizeFirst: false);

    private static string GroupTag(string group) =>
        ToValidOperationId(group.Length == 0 ? "core" : TrimK8sIo(group), capitalizeFirst: false);

    private static string TrimK8sIo(string group) =>
        group.EndsWith(".k8s.io", StringComparison.Ordinal) ? group[..^".k8s.io".Length] : group;

    // Drops characters that are not letters (or non-leading digits) and capitalizes the letter after each one,
    // as kube-apiserver's ToValidOperationID does ("rbac.authorization" → "RbacAuthorization").
    private static string ToValidOperationId(string s, bool capitalizeFirst)
    {
        var sb = new StringBuilder(s.Length);
        var capitalize = capitalizeFirst;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsLetter(c) || c == '_' || (i != 0 && char.IsDigit(c)))
            {
                sb.Append(capitalize ? char.ToUpperInvariant(c) : c);
                capitalize = false;
            }
            else
            {
                capitalize = true;
            }
        }
        return sb.ToString();
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    // kube's descriptions say "create a Pod" and "create an Ingress".
    private static string Article(string kind) => kind.Length > 0 && "AEIOU".Contains(kind[0], StringComparison.Ordinal) ? "n" : "";

    private sealed record Param(string Name, string In, string Type, string Description, bool Required);

    private sealed record Body(string Schema, bool Required)
    {
        public string[]? Content { get; init; }
    }

    private sealed record Response(string Code, string Description, string? Schema)
    {
        public string[] Content { get; init; } = ObjectContent;
    }

    private sealed record Op(string Id, string Description, string[] Tags)
    {
        public Param[] Parameters { get; init; } = [];
        public Body? Body { get; init; }
        public IReadOnlyList<Response> Responses { get; init; } = [];
        public string? Action { get; init; }
        public (string Group, string Version, string Kind)? Gvk { get; init; }
    }
}
