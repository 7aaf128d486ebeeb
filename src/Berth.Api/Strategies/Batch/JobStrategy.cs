using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Batch;

/// <summary>
/// Jobs (batch/v1). Unless <c>spec.manualSelector</c> is true, create generates the selector and the
/// template labels from the Job's uid and name, as kube's job strategy does; the REST layer must have
/// filled <c>metadata.name</c> and <c>metadata.uid</c> before <see cref="KindStrategy.PrepareForCreate"/>.
/// </summary>
public sealed class JobStrategy : KindStrategy
{
    public static readonly JobStrategy Instance = new();

    public const string LegacyControllerUidLabel = "controller-uid";
    public const string LegacyJobNameLabel = "job-name";
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";
    public const string JobNameLabel = "batch.kubernetes.io/job-name";

    private JobStrategy()
        : base(typeof(V1Job))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        if (!spec.Has("completions") && !spec.Has("parallelism"))
        {
            spec["completions"] = 1;
            spec["parallelism"] = 1;
        }
        spec.DefaultPtr("parallelism", 1);
        spec.DefaultPtr("backoffLimit", spec.Has("backoffLimitPerIndex") ? int.MaxValue : 6);
        if (spec.Obj("template").Obj("metadata").Obj("labels") is { } labels)
        {
            var meta = obj.Ensure("metadata");
            if (meta.Obj("labels") is not { Count: > 0 })
            {
                meta["labels"] = labels.DeepClone();
            }
        }
        spec.DefaultPtr("completionMode", "NonIndexed");
        spec.DefaultPtr("suspend", false);
        var pfp = spec.Obj("podFailurePolicy");
        var rules = pfp.Arr("rules");
        for (var i = 0; i < rules.Count(); i++)
        {
            var conditions = rules.At(i).Arr("onPodConditions");
            for (var j = 0; j < conditions.Count(); j++)
            {
                conditions.At(j)?.Default("status", "True");
            }
        }
        spec.DefaultPtr("podReplacementPolicy", pfp is not null ? "Failed" : "TerminatingOrFailed");
        spec.DefaultPtr("manualSelector", false);
        PodDefaults.Template(spec.Obj("template"));
    }

    protected override void BeforeCreate(JsonObject obj)
    {
        if (obj.Obj("spec").Bool("manualSelector") != true)
        {
            GenerateSelector(obj);
        }
        ClearStatus(obj);
    }

    private static void GenerateSelector(JsonObject obj)
    {
        var meta = obj.Obj("metadata");
        var name = meta.S("name");
        var uid = meta.S("uid");
        var spec = obj.Ensure("spec");
        var labels = spec.Ensure("template").Ensure("metadata").Ensure("labels");
        // A label the user already set is kept; validation rejects a conflicting value.
        foreach (var key in (ReadOnlySpan<string>)[LegacyJobNameLabel, JobNameLabel])
        {
            if (!labels.ContainsKey(key))
            {
                labels[key] = name;
            }
        }
        foreach (var key in (ReadOnlySpan<string>)[LegacyControllerUidLabel, ControllerUidLabel])
        {
            if (!labels.ContainsKey(key))
            {
                labels[key] = uid;
            }
        }
        var matchLabels = spec.Ensure("selector").Ensure("matchLabels");
        if (!matchLabels.ContainsKey(ControllerUidLabel))
        {
            matchLabels[ControllerUidLabel] = uid;
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs) => ValidateJob(obj, requirePrefixedLabels: true, errs);

    private static void ValidateJob(JsonObject obj, bool requirePrefixedLabels, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var meta = obj.Obj("metadata");
        GeneratedSelector(obj, requirePrefixedLabels, errs);
        ValidateSpec(spec, FieldPath.New("spec"), errs);
        if (spec.S("completionMode") == "Indexed" && spec.Int("completions") is > 0 and var completions)
        {
            var hostname = $"{meta.S("name")}-{completions - 1}";
            if (NameRules.Dns1123Label(hostname).Count > 0)
            {
                errs.Add(FieldError.Invalid(FieldPath.New("metadata", "name"), meta.S("name"),
                    $"will not able to create pod with invalid DNS label: {hostname}"));
            }
        }
    }

    private static void GeneratedSelector(JsonObject obj, bool requirePrefixedLabels, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        if (spec.Bool("manualSelector") == true || spec.Obj("selector") is not { } selector)
        {
            return;
        }
        var meta = obj.Obj("metadata");
        var uid = meta.S("uid");
        var name = meta.S("name");
        if (uid.Length == 0)
        {
            errs.Add(FieldError.Required(FieldPath.New("metadata", "uid")));
        }
        var templateMeta = spec.Obj("template").Obj("metadata");
        var metaPath = FieldPath.New("spec", "template", "metadata");
        HasLabel(templateMeta, metaPath, LegacyControllerUidLabel, uid, errs);
        HasLabel(templateMeta, metaPath, LegacyJobNameLabel, name, errs);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        if (requirePrefixedLabels)
        {
            HasLabel(templateMeta, metaPath, ControllerUidLabel, uid, errs);
            HasLabel(templateMeta, metaPath, JobNameLabel, name, errs);
            expected[ControllerUidLabel] = uid;
            expected[JobNameLabel] = name;
        }
        expected[LegacyControllerUidLabel] = uid;
        expected[LegacyJobNameLabel] = name;
        if (LabelSelectorValidation.ToSelector(selector) is { } parsed && !parsed.Matches(expected))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("spec", "selector"), Workloads.WorkloadValidation.RenderSelector(selector), "`selector` not auto-generated"));
        }
    }

    // ValidateHasLabel.
    private static void HasLabel(JsonObject? meta, FieldPath path, string key, string expected, List<FieldError> errs)
    {
        var labels = meta.Obj("labels");
        if (labels?.Str(key) is not { } actual)
        {
            errs.Add(FieldError.Required(path.Child("labels").Key(key), $"must be '{expected}'"));
        }
        else if (actual != expected)
        {
            errs.Add(FieldError.Invalid(path.Child("labels").Key(key), Check.Map(labels), $"must be '{expected}'"));
        }
    }

    /// <summary>ValidateJobSpec: the shared spec rules, then the selector and the template labels.</summary>
    private static void ValidateSpec(JsonObject? spec, FieldPath path, List<FieldError> errs)
    {
        JobValidation.Spec(spec, path, errs);
        var selector = spec.Obj("selector");
        if (selector is null)
        {
            errs.Add(FieldError.Required(path.Child("selector")));
        }
        else
        {
            LabelSelectorValidation.Validate(selector, path.Child("selector"), errs);
        }
        if (LabelSelectorValidation.ToSelector(selector) is { } parsed
            && !parsed.Matches(spec.Obj("template").Obj("metadata").StringMap("labels")))
        {
            errs.Add(FieldError.Invalid(path.Child("template", "metadata", "labels"), Check.Map(spec.Obj("template").Obj("metadata").Obj("labels")),
                "`selector` does not match template `labels`"));
        }
    }

    /// <summary>ValidateJob plus ValidateJobSpecUpdate: completions, selector, template and several policies are immutable.</summary>
    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        var oldLabels = old.Obj("spec").Obj("template").Obj("metadata").Obj("labels");
        var requirePrefixed = oldLabels?.ContainsKey(JobNameLabel) == true && oldLabels.ContainsKey(ControllerUidLabel);
        ValidateJob(obj, requirePrefixed, errs);
        var spec = obj.Obj("spec");
        var oldSpec = old.Obj("spec");
        var path = FieldPath.New("spec");
        ValidateSpec(spec, path, errs);
        // ElasticIndexedJob (on in 1.33): Indexed Jobs may change completions together with parallelism.
        if (spec.S("completionMode") == "Indexed")
        {
            if (!JsonAccess.SemanticEquals(spec?["completions"], oldSpec?["completions"]) && spec.Int("completions") is { } c
                && c != (spec.Int("parallelism") ?? 0))
            {
                errs.Add(FieldError.Invalid(path.Child("completions"), c, "can only be modified in tandem with spec.parallelism"));
            }
        }
        else
        {
            Check.Immutable(spec?["completions"], oldSpec?["completions"], path.Child("completions"), errs);
        }
        if (!JsonAccess.SemanticEquals(spec?["selector"], oldSpec?["selector"]))
        {
            errs.Add(FieldError.Invalid(path.Child("selector"), Workloads.WorkloadValidation.RenderSelector(spec.Obj("selector")), Check.FieldImmutableErrorMsg));
        }
        var template = (JsonObject?)spec.Obj("template")?.DeepClone();
        var oldTemplate = (JsonObject?)oldSpec.Obj("template")?.DeepClone();
        // Scheduling directives of a suspended Job that never started may change.
        if (oldSpec.Bool("suspend") == true && !old.Obj("status").Has("startTime") && template is not null && oldTemplate is not null)
        {
            var ts = template.Ensure("spec");
            var os = oldTemplate.Ensure("spec");
            foreach (var f in (ReadOnlySpan<string>)["nodeSelector", "tolerations", "schedulingGates"])
            {
                os[f] = ts[f]?.DeepClone();
            }
            if (os.Obj("affinity") is { } oa)
            {
                oa["nodeAffinity"] = ts.Obj("affinity")?["nodeAffinity"]?.DeepClone();
            }
            else if (ts.Obj("affinity") is { } ta)
            {
                os["affinity"] = new JsonObject { ["nodeAffinity"] = ta["nodeAffinity"]?.DeepClone() };
            }
            var om = oldTemplate.Ensure("metadata");
            var tm = template.Ensure("metadata");
            om["labels"] = tm["labels"]?.DeepClone();
            om["annotations"] = tm["annotations"]?.DeepClone();
        }
        Check.Immutable(template, oldTemplate, path.Child("template"), errs);
        foreach (var f in (ReadOnlySpan<string>)["completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"])
        {
            Check.Immutable(spec?[f], oldSpec?[f], path.Child(f), errs);
        }
    }
}
