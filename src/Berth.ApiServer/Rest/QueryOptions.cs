using System.Globalization;
using Berth.Api.Errors;
using Berth.Api.Selectors;
using Berth.ApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace Berth.ApiServer.Rest;

/// <summary>Reads list, watch and write options from the query string, rejecting bad values with 400.</summary>
public static class QueryOptions
{
    public static ListOptions List(IQueryCollection q)
    {
        LabelSelector label;
        FieldSelector field;
        try
        {
            label = LabelSelector.Parse(q["labelSelector"].ToString());
        }
        catch (FormatException e)
        {
            throw StatusException.BadRequest("unable to parse requirement: " + e.Message);
        }
        try
        {
            field = FieldSelector.Parse(q["fieldSelector"].ToString());
        }
        catch (FormatException e)
        {
            throw StatusException.BadRequest(e.Message);
        }
        var rvMatch = NullIfEmpty(q["resourceVersionMatch"]);
        if (rvMatch is not (null or "NotOlderThan" or "Exact"))
        {
            throw StatusException.BadRequest($"resourceVersionMatch: Unsupported value: \"{rvMatch}\": supported values: \"Exact\", \"NotOlderThan\"");
        }
        return new ListOptions
        {
            LabelSelector = label,
            FieldSelector = field,
            Limit = Long(q, "limit") ?? 0,
            Continue = NullIfEmpty(q["continue"]),
            ResourceVersion = NullIfEmpty(q["resourceVersion"]),
            ResourceVersionMatch = rvMatch,
            TimeoutSeconds = (int?)Long(q, "timeoutSeconds"),
            AllowWatchBookmarks = Bool(q, "allowWatchBookmarks") ?? false,
            SendInitialEvents = Bool(q, "sendInitialEvents"),
        };
    }

    public static bool IsWatch(IQueryCollection q) => Bool(q, "watch") ?? false;

    public static WriteOptions Write(HttpContext ctx, RequestUser user, List<string> warnings, IReadOnlyList<string>? duplicates = null)
    {
        var q = ctx.Request.Query;
        var dryRun = q["dryRun"];
        foreach (var d in dryRun)
        {
            if (d != "All")
            {
                throw StatusException.BadRequest($"dryRun: Unsupported value: \"{d}\": supported values: \"All\"");
            }
        }
        var fv = q["fieldValidation"].ToString();
        var validation = fv switch
        {
            "" or "Warn" => FieldValidation.Warn,
            "Strict" => FieldValidation.Strict,
            "Ignore" => FieldValidation.Ignore,
            _ => throw StatusException.BadRequest($"fieldValidation: Unsupported value: \"{fv}\": supported values: \"Ignore\", \"Strict\", \"Warn\""),
        };
        var manager = NullIfEmpty(q["fieldManager"]);
        if (manager is { Length: > 128 })
        {
            throw StatusException.BadRequest("fieldManager: Too long: may not be more than 128 bytes");
        }
        return new WriteOptions
        {
            DryRun = dryRun.Count > 0,
            FieldManager = manager,
            FieldValidation = validation,
            User = user,
            UserAgent = ctx.Request.Headers.UserAgent.ToString(),
            Warnings = warnings,
            DuplicateFields = duplicates,
        };
    }

    public static long? Long(IQueryCollection q, string name)
    {
        var v = q[name].ToString();
        if (v.Length == 0)
        {
            return null;
        }
        return long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
            ? l
            : throw StatusException.BadRequest($"invalid value for {name}: \"{v}\"");
    }

    public static bool? Bool(IQueryCollection q, string name)
    {
        var v = q[name].ToString();
        return v switch
        {
            "" => null,
            "true" or "1" or "True" => true,
            "false" or "0" or "False" => false,
            _ => throw StatusException.BadRequest($"invalid value for {name}: \"{v}\""),
        };
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues v) => v.Count == 0 || v[0]!.Length == 0 ? null : v[0];
}
