using Berth.Api.Selectors;

namespace Berth.ApiServer.Registry;

/// <summary>Who makes a request: user name and groups, from the client certificate or token.</summary>
public sealed record RequestUser(string Name, IReadOnlyList<string> Groups)
{
    public static readonly RequestUser System = new("system:apiserver", ["system:masters"]);

    public bool IsAdmin => Groups.Contains("system:masters");
}

/// <summary>Field validation level (the <c>fieldValidation</c> query parameter).</summary>
public enum FieldValidation
{
    Ignore,
    Warn,
    Strict,
}

/// <summary>Options of a write (create, update, patch, delete).</summary>
public sealed record WriteOptions
{
    public static readonly WriteOptions Default = new();

    public bool DryRun { get; init; }
    /// <summary>The field manager; defaults to the user agent's product name.</summary>
    public string? FieldManager { get; init; }
    public FieldValidation FieldValidation { get; init; } = FieldValidation.Ignore;
    public RequestUser User { get; init; } = RequestUser.System;
    public string? UserAgent { get; init; }
    /// <summary>Warnings produced while handling the request (unknown fields under Warn, deprecations).</summary>
    public List<string>? Warnings { get; init; }

    /// <summary>Paths of fields the request body repeated (found while decoding).</summary>
    public IReadOnlyList<string>? DuplicateFields { get; init; }

    public string Manager
    {
        get
        {
            if (!string.IsNullOrEmpty(FieldManager))
            {
                return FieldManager;
            }
            var ua = UserAgent ?? "";
            var slash = ua.IndexOf('/');
            var name = slash > 0 ? ua[..slash] : ua;
            return string.IsNullOrEmpty(name) ? "unknown" : name;
        }
    }
}

/// <summary>Options of a list or watch.</summary>
public sealed record ListOptions
{
    public static readonly ListOptions Everything = new();

    public LabelSelector LabelSelector { get; init; } = LabelSelector.Everything;
    public FieldSelector FieldSelector { get; init; } = FieldSelector.Everything;
    public long Limit { get; init; }
    public string? Continue { get; init; }
    /// <summary>null = unset (most recent, consistent); "0" = any; a number = not older than (or exact with <see cref="ResourceVersionMatch"/>).</summary>
    public string? ResourceVersion { get; init; }
    /// <summary>"", "NotOlderThan" or "Exact".</summary>
    public string? ResourceVersionMatch { get; init; }
    public int? TimeoutSeconds { get; init; }
    public bool AllowWatchBookmarks { get; init; }
    public bool? SendInitialEvents { get; init; }
}
