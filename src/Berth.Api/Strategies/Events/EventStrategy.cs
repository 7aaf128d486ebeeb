using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Events;

/// <summary>
/// Events of core/v1 and events.k8s.io/v1 (one storage): legacyValidateEvent for both, plus the
/// stricter rules kube applies to events.k8s.io/v1 writes. Field paths are those of the internal type,
/// as kube reports them (involvedObject, message, source) whichever API version was used.
/// </summary>
public sealed class EventStrategy : KindStrategy
{
    /// <summary>The strategy for core/v1 Events.</summary>
    public static readonly EventStrategy Core = new(eventsApi: false);

    /// <summary>The strategy for events.k8s.io/v1 Events.</summary>
    public static readonly EventStrategy EventsApi = new(eventsApi: true);

    private readonly bool _eventsApi;

    private EventStrategy(bool eventsApi)
        : base(null)
    {
        _eventsApi = eventsApi;
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var ns = obj.Obj("metadata").S("namespace");
        // events.k8s.io/v1 names the internal fields differently.
        var involved = _eventsApi ? obj.Obj("regarding") : obj.Obj("involvedObject");
        var eventTime = obj.S("eventTime");
        var reportingController = obj.S("reportingController");
        var reportingInstance = obj.S("reportingInstance");
        var action = obj.S("action");
        var reason = obj.S("reason");
        var message = _eventsApi ? obj.S("note") : obj.S("message");
        var controllerField = _eventsApi ? "reportingController" : "source";
        var involvedNamespace = involved.S("namespace");
        var involvedPath = FieldPath.New("involvedObject", "namespace");
        if (eventTime.Length == 0)
        {
            if (involvedNamespace.Length == 0)
            {
                if (ns.Length != 0 && ns != "default")
                {
                    errs.Add(FieldError.Invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
                }
            }
            else if (ns != involvedNamespace)
            {
                errs.Add(FieldError.Invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
            }
        }
        else
        {
            if (involvedNamespace.Length == 0 && ns != "kube-system")
            {
                errs.Add(FieldError.Invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
            }
            if (reportingController.Length == 0)
            {
                errs.Add(FieldError.Required(FieldPath.New(controllerField)));
            }
            Check.QualifiedName(reportingController, FieldPath.New(controllerField), errs);
            if (reportingInstance.Length == 0)
            {
                errs.Add(FieldError.Required(FieldPath.New("reportingInstance")));
            }
            if (reportingInstance.Length > 128)
            {
                errs.Add(FieldError.Invalid(FieldPath.New("reportingInstance"), "", "can have at most 128 characters"));
            }
            if (action.Length == 0)
            {
                errs.Add(FieldError.Required(FieldPath.New("action")));
            }
            if (action.Length > 128)
            {
                errs.Add(FieldError.Invalid(FieldPath.New("action"), "", "can have at most 128 characters"));
            }
            if (reason.Length == 0)
            {
                errs.Add(FieldError.Required(FieldPath.New("reason")));
            }
            if (reason.Length > 128)
            {
                errs.Add(FieldError.Invalid(FieldPath.New("reason"), "", "can have at most 128 characters"));
            }
            if (message.Length > 1024)
            {
                errs.Add(FieldError.Invalid(FieldPath.New("message"), "", "can have at most 1024 characters"));
            }
        }
        foreach (var m in NameRules.Dns1123Subdomain(ns))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("namespace"), ns, m));
        }
        if (!_eventsApi)
        {
            return;
        }
        if (eventTime.Length == 0)
        {
            errs.Add(FieldError.Required(FieldPath.New("eventTime")));
        }
        var type = obj.S("type");
        if (type is not ("Normal" or "Warning"))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("type"), "", $"has invalid value: {type}"));
        }
        if (obj.Has("deprecatedFirstTimestamp"))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("firstTimestamp"), "", "needs to be unset"));
        }
        if (obj.Has("deprecatedLastTimestamp"))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("lastTimestamp"), "", "needs to be unset"));
        }
        if ((obj.Int("deprecatedCount") ?? 0) != 0)
        {
            errs.Add(FieldError.Invalid(FieldPath.New("count"), "", "needs to be unset"));
        }
        var source = obj.Obj("deprecatedSource");
        if (source.S("component").Length > 0 || source.S("host").Length > 0)
        {
            errs.Add(FieldError.Invalid(FieldPath.New("source"), "", "needs to be unset"));
        }
    }
}
