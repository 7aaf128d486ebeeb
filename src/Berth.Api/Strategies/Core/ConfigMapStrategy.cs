using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Core;

/// <summary>ConfigMaps: keys are config keys, data plus binaryData at most 1 MiB, immutable ones stay so.</summary>
public sealed class ConfigMapStrategy : KindStrategy
{
    public static readonly ConfigMapStrategy Instance = new();

    /// <summary>core.MaxSecretSize, which also bounds ConfigMaps.</summary>
    public const int MaxSize = 1024 * 1024;

    private ConfigMapStrategy()
        : base(null)
    {
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        long total = 0;
        var data = obj.Obj("data");
        var binary = obj.Obj("binaryData");
        if (data is not null)
        {
            foreach (var (key, value) in data)
            {
                var p = FieldPath.New("data").Key(key);
                foreach (var m in NameRules.ConfigMapKey(key))
                {
                    errs.Add(FieldError.Invalid(p, key, m));
                }
                if (binary?.ContainsKey(key) == true)
                {
                    errs.Add(FieldError.Invalid(p, key, "duplicate of key present in binaryData"));
                }
                total += Encoding.UTF8.GetByteCount(JsonAccess.AsString(value) ?? "");
            }
        }
        if (binary is not null)
        {
            foreach (var (key, value) in binary)
            {
                foreach (var m in NameRules.ConfigMapKey(key))
                {
                    errs.Add(FieldError.Invalid(FieldPath.New("binaryData").Key(key), key, m));
                }
                total += SecretStrategy.DecodedLength(JsonAccess.AsString(value));
            }
        }
        if (total > MaxSize)
        {
            // kube reports this on field.NewPath(""), which prints as "[]".
            errs.Add(FieldError.TooLong("[]", MaxSize));
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        if (old.Bool("immutable") == true)
        {
            if (obj.Bool("immutable") != true)
            {
                errs.Add(FieldError.Forbidden(FieldPath.New("immutable"), "field is immutable when `immutable` is set"));
            }
            if (!JsonAccess.SemanticEquals(obj["data"], old["data"]))
            {
                errs.Add(FieldError.Forbidden(FieldPath.New("data"), "field is immutable when `immutable` is set"));
            }
            if (!JsonAccess.SemanticEquals(obj["binaryData"], old["binaryData"]))
            {
                errs.Add(FieldError.Forbidden(FieldPath.New("binaryData"), "field is immutable when `immutable` is set"));
            }
        }
        Validate(obj, errs);
    }
}
