using System.Security.Cryptography.X509Certificates;
using Berth.ApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace Berth.ApiServer.Auth;

/// <summary>
/// Identifies the caller: a client certificate issued by the cluster CA (user = CN, groups = O), or a
/// bearer token from the token file. Anonymous callers get only the health and version endpoints.
/// </summary>
public sealed class Authenticator(Pki pki, TokenFile tokens)
{
    public Pki Pki { get; } = pki;
    public TokenFile Tokens { get; } = tokens;

    /// <summary>Paths that answer without credentials, as kube-apiserver's system:public-info-viewer allows.</summary>
    public static bool IsPublic(string path) =>
        path is "/healthz" or "/livez" or "/readyz" or "/version" or "/version/"
        || path.StartsWith("/healthz/", StringComparison.Ordinal)
        || path.StartsWith("/livez/", StringComparison.Ordinal)
        || path.StartsWith("/readyz/", StringComparison.Ordinal);

    public RequestUser? Authenticate(HttpContext context)
    {
        var cert = context.Connection.ClientCertificate;
        if (cert is not null && Pki.IsIssuedByCa(cert))
        {
            var name = cert.GetNameInfo(X509NameType.SimpleName, false);
            var groups = new List<string>();
            foreach (var rdn in cert.SubjectName.EnumerateRelativeDistinguishedNames())
            {
                if (rdn.GetSingleElementType().Value == "2.5.4.10" && rdn.GetSingleElementValue() is { } o)
                {
                    groups.Add(o);
                }
            }
            groups.Add("system:authenticated");
            return new RequestUser(name, groups);
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var user = Tokens.Lookup(header[7..].Trim());
            if (user is not null)
            {
                return user with { Groups = [.. user.Groups, "system:authenticated"] };
            }
        }
        return null;
    }

    /// <summary>
    /// Berth's authorizer: system:masters may do anything; system:monitoring may read (get, list,
    /// watch and /metrics); everyone else nothing yet.
    /// </summary>
    public static bool Authorize(RequestUser user, string verb)
    {
        if (user.IsAdmin)
        {
            return true;
        }
        return user.Groups.Contains(TokenFile.MonitoringGroup) && verb is "get" or "list" or "watch";
    }
}
