namespace Berth.ApiServer.OpenApi;

/// <summary>Which OpenAPI dialect a document is written in.</summary>
internal enum OpenApiFlavor
{
    /// <summary>Swagger 2.0 (<c>/openapi/v2</c>): refs are <c>#/definitions/…</c> and sit beside descriptions.</summary>
    V2,

    /// <summary>OpenAPI 3.0 (<c>/openapi/v3/…</c>): refs are <c>#/components/schemas/…</c>, wrapped in <c>allOf</c> when annotated.</summary>
    V3,
}
