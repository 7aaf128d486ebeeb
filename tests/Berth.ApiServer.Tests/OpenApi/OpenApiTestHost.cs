using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using Berth.ApiServer.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.ApiServer.Tests.OpenApi;

/// <summary>
/// A throwaway Kestrel host on loopback that serves just enough of the API for kubectl's explain and
/// field-validation detection: /version, legacy discovery (/api, /apis, resource lists), the OpenAPI endpoints and
/// a create that echoes the object back. Not Berth's API server; it exists to run the real kubectl against
/// <see cref="OpenApiService"/>.
/// </summary>
public sealed class OpenApiTestHost : IAsyncLifetime
{
    private const string KubectlDirectory = "/usr/lib/google-cloud-sdk/bin";

    private WebApplication? _app;
    private readonly string _home = Directory.CreateTempSubdirectory("berth-openapi-kubectl-").FullName;

    public KindRegistry Registry { get; } = new();

    public string Url { get; private set; } = "";

    /// <summary>Method, path, query and object name of every create request the host answered.</summary>
    public ConcurrentQueue<string> Creates { get; } = new();

    /// <summary>Path of the kubectl binary of a minor version (1.27 … 1.33 are installed on the project's machines).</summary>
    public static string Kubectl(string version = "1.33") => Path.Combine(KubectlDirectory, "kubectl." + version);

    public static bool KubectlAvailable(string version = "1.33") => File.Exists(Kubectl(version));

    public async ValueTask InitializeAsync()
    {
        Registry.SetCustomResources([OpenApiServiceTests.CronTab()]);
        var openApi = new OpenApiService(Registry);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.MapGet("/version", () => Json(new JsonObject
        {
            ["major"] = "1",
            ["minor"] = "33",
            ["gitVersion"] = "v1.33.0",
            ["gitCommit"] = "",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-01-01T00:00:00Z",
            ["goVersion"] = "go1.24",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        }));
        app.MapGet("/api", () => Json(new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = "127.0.0.1" }),
        }));
        app.MapGet("/apis", () =>
        {
            var groups = new JsonArray();
            foreach (var group in Registry.Groups.Where(g => g.Length > 0))
            {
                var versions = new JsonArray();
                foreach (var v in Registry.VersionsOf(group))
                {
                    versions.Add(new JsonObject { ["groupVersion"] = group + "/" + v, ["version"] = v });
                }
                groups.Add(new JsonObject { ["name"] = group, ["versions"] = versions, ["preferredVersion"] = versions[0]!.DeepClone() });
            }
            return Json(new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups });
        });
        app.MapGet("/api/v1", () => ResourceList("", "v1"));
        app.MapGet("/apis/{group}/{version}", (string group, string version) => ResourceList(group, version));
        app.MapPost("/apis/{group}/{version}/namespaces/{ns}/{resource}", async (HttpContext context, string ns) =>
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
            var metadata = body["metadata"]!.AsObject();
            Creates.Enqueue("POST " + context.Request.Path + context.Request.QueryString + " " + metadata["name"]);
            metadata["namespace"] = ns;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["resourceVersion"] = "1";
            metadata["creationTimestamp"] = "2025-01-01T00:00:00Z";
            return Results.Json(body, statusCode: StatusCodes.Status201Created);
        });
        app.MapOpenApiV3(openApi);
        app.MapOpenApiV2(openApi);
        await app.StartAsync(TestContext.Current.CancellationToken);
        _app = app;
        Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_home, recursive: true);
    }

    /// <summary>Runs kubectl 1.33 against this host with an empty kubeconfig and a private cache.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> KubectlAsync(string stdin, params string[] args) =>
        KubectlVersionAsync("1.33", stdin, args);

    /// <summary>Runs the kubectl of a minor version against this host with an empty kubeconfig and a private cache.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> KubectlVersionAsync(string version, string stdin, params string[] args)
    {
        var kubeconfig = Path.Combine(_home, "config");
        await File.WriteAllTextAsync(kubeconfig, "");
        var start = new ProcessStartInfo(Kubectl(version))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.ArgumentList.Add("--server=" + Url);
        start.ArgumentList.Add("--cache-dir=" + Path.Combine(_home, "cache-" + version));
        start.Environment["KUBECONFIG"] = kubeconfig;
        start.Environment["HOME"] = _home;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private IResult ResourceList(string group, string version)
    {
        var resources = new JsonArray();
        foreach (var r in Registry.ResourcesOf(group, version))
        {
            resources.Add(new JsonObject
            {
                ["name"] = r.Resource,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = new JsonArray([.. r.Verbs.Select(v => (JsonNode)v)]),
                ["shortNames"] = new JsonArray([.. r.ShortNames.Select(v => (JsonNode)v)]),
            });
        }
        if (resources.Count == 0)
        {
            return Results.NotFound();
        }
        return Json(new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = resources,
        });
    }

    private static IResult Json(JsonObject o) => Results.Text(o.ToJsonString(), "application/json");
}
