namespace Berth.ApiServer.Rest;

/// <summary>What representation a client asked for in its Accept header.</summary>
public enum ResponseShape
{
    Object,
    Table,
    PartialObjectMetadata,
}

/// <summary>Parses Accept headers the way kube-apiserver's negotiation does for the shapes Berth serves.</summary>
public static class Negotiation
{
    /// <summary>The first acceptable shape among the client's choices (Table, metadata, or plain object).</summary>
    public static ResponseShape Shape(string? accept)
    {
        if (string.IsNullOrEmpty(accept))
        {
            return ResponseShape.Object;
        }
        foreach (var clause in accept.Split(','))
        {
            var parts = clause.Split(';', StringSplitOptions.TrimEntries);
            var media = parts[0].ToLowerInvariant();
            if (media is not ("application/json" or "*/*" or "application/*" or "application/yaml" or "application/vnd.kubernetes.protobuf"))
            {
                continue;
            }
            string? asParam = null, g = null;
            foreach (var p in parts.Skip(1))
            {
                var eq = p.IndexOf('=');
                if (eq < 0)
                {
                    continue;
                }
                var k = p[..eq].Trim();
                var v = p[(eq + 1)..].Trim();
                if (k == "as")
                {
                    asParam = v;
                }
                else if (k == "g")
                {
                    g = v;
                }
            }
            if (asParam is null)
            {
                if (media == "application/vnd.kubernetes.protobuf")
                {
                    continue;
                }
                return ResponseShape.Object;
            }
            if (g != "meta.k8s.io" || media == "application/vnd.kubernetes.protobuf")
            {
                continue;
            }
            switch (asParam)
            {
                case "Table":
                    return ResponseShape.Table;
                case "PartialObjectMetadata" or "PartialObjectMetadataList":
                    return ResponseShape.PartialObjectMetadata;
            }
        }
        return ResponseShape.Object;
    }

    /// <summary>The aggregated-discovery clause the client accepts ("v2" or "v2beta1") and its exact media type, or null.</summary>
    public static (string Version, string ContentType)? AggregatedDiscovery(string? accept)
    {
        if (string.IsNullOrEmpty(accept))
        {
            return null;
        }
        foreach (var clause in accept.Split(','))
        {
            var parts = clause.Split(';', StringSplitOptions.TrimEntries);
            if (!parts[0].Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            string? g = null, v = null, a = null;
            foreach (var p in parts.Skip(1))
            {
                var eq = p.IndexOf('=');
                if (eq < 0)
                {
                    continue;
                }
                switch (p[..eq].Trim())
                {
                    case "g":
                        g = p[(eq + 1)..].Trim();
                        break;
                    case "v":
                        v = p[(eq + 1)..].Trim();
                        break;
                    case "as":
                        a = p[(eq + 1)..].Trim();
                        break;
                }
            }
            if (g == "apidiscovery.k8s.io" && a == "APIGroupDiscoveryList" && v is "v2" or "v2beta1")
            {
                return (v!, $"application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList");
            }
            if (g is null && a is null)
            {
                // A plain JSON clause ranked before any aggregated one: the client prefers legacy.
                return null;
            }
        }
        return null;
    }

    /// <summary>Whether the Accept header asks for the protobuf OpenAPI v2 document.</summary>
    public static bool WantsOpenApiProtobuf(string? accept) =>
        accept is not null && accept.Contains("com.github.proto-openapi.spec.v2", StringComparison.OrdinalIgnoreCase);
}
