using Berth.Api.Kinds;
using Berth.ApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace Berth.ApiServer.Rest;

/// <summary>
/// Serves a connect-style subresource (pods/log, pods/exec, pods/attach, pods/portforward, …) that the
/// generic REST storage does not: registered by the part that implements it (the node streaming proxy).
/// </summary>
public interface ISubresourceHandler
{
    /// <summary>"resource/subresource", e.g. "pods/log".</summary>
    string Key { get; }

    Task HandleAsync(HttpContext context, ResourceInfo info, string ns, string name, RequestUser user);
}
