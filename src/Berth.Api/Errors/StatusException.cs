using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Errors;

/// <summary>
/// An API failure carrying the Kubernetes <see cref="V1Status"/> that the client receives.
/// Use the factory methods so messages read exactly as kube-apiserver's do.
/// </summary>
public sealed class StatusException : Exception
{
    public StatusException(V1Status status) : base(status.Message) => Status = status;

    public V1Status Status { get; }
    public int Code => Status.Code ?? 500;

    public static StatusException Create(int code, string reason, string message, V1StatusDetails? details = null) =>
        new(new V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Metadata = new V1ListMeta(),
            Status = "Failure",
            Code = code,
            Reason = reason,
            Message = message,
            Details = details,
        });

    private static string Qualified(string resource, string group) =>
        string.IsNullOrEmpty(group) ? resource : resource + "." + group;

    public static StatusException NotFound(string resource, string group, string name) =>
        Create(404, "NotFound", $"{Qualified(resource, group)} \"{name}\" not found",
            new V1StatusDetails { Name = name, Group = NullIfEmpty(group), Kind = resource });

    public static StatusException AlreadyExists(string resource, string group, string name) =>
        Create(409, "AlreadyExists", $"{Qualified(resource, group)} \"{name}\" already exists",
            new V1StatusDetails { Name = name, Group = NullIfEmpty(group), Kind = resource });

    public static StatusException Conflict(string resource, string group, string name, string why) =>
        Create(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(resource, group)} \"{name}\": {why}",
            new V1StatusDetails { Name = name, Group = NullIfEmpty(group), Kind = resource });

    public const string ModifiedMessage =
        "the object has been modified; please apply your changes to the latest version and try again";

    /// <summary>422 Invalid with one cause per field error, e.g. <c>Deployment.apps "x" is invalid: […]</c>.</summary>
    public static StatusException Invalid(string kind, string group, string name, IReadOnlyList<FieldError> errors)
    {
        // Identical errors are reported once, as kube's ToAggregate does.
        errors = errors.Distinct().ToList();
        var qualifiedKind = string.IsNullOrEmpty(group) ? kind : kind + "." + group;
        var list = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
        return Create(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {list}",
            new V1StatusDetails
            {
                Name = name,
                Group = NullIfEmpty(group),
                Kind = kind,
                Causes = errors.Select(e => new V1StatusCause
                {
                    Reason = e.Reason,
                    Message = e.Message,
                    Field = e.Field,
                }).ToList(),
            });
    }

    public static StatusException BadRequest(string message, IReadOnlyList<V1StatusCause>? causes = null) =>
        Create(400, "BadRequest", message, causes is null ? null : new V1StatusDetails { Causes = causes.ToList() });

    public static StatusException Forbidden(string resource, string group, string name, string why) =>
        Create(403, "Forbidden",
            string.IsNullOrEmpty(name)
                ? $"{Qualified(resource, group)} is forbidden: {why}"
                : $"{Qualified(resource, group)} \"{name}\" is forbidden: {why}",
            new V1StatusDetails { Name = NullIfEmpty(name), Group = NullIfEmpty(group), Kind = resource });

    public static StatusException Unauthorized() => Create(401, "Unauthorized", "Unauthorized");

    public static StatusException Gone(string message) => Create(410, "Expired", message);

    public static StatusException TooLarge(string message) => Create(413, "RequestEntityTooLarge", message);

    public static StatusException UnsupportedMediaType(string contentType) =>
        Create(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got {contentType})");

    public static StatusException NotAcceptable(string message) => Create(406, "NotAcceptable", message);

    public static StatusException MethodNotAllowed(string message) => Create(405, "MethodNotAllowed", message);

    public static StatusException Internal(string message) => Create(500, "InternalError", message);

    public static StatusException Timeout(string message) => Create(504, "Timeout", message);

    public static StatusException TooManyRequests(string message) => Create(429, "TooManyRequests", message);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
