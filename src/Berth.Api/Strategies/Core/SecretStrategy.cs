using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Core;

/// <summary>
/// Secrets: type Opaque by default; <c>stringData</c> is merged into <c>data</c> (base64) and dropped,
/// as the v1 conversion does; keys, 1 MiB total and the per-type required keys are validated.
/// </summary>
public sealed class SecretStrategy : KindStrategy
{
    public static readonly SecretStrategy Instance = new();

    private SecretStrategy()
        : base(null)
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        obj.Default("type", "Opaque");
        if (obj.Obj("stringData") is { } stringData)
        {
            var data = obj.Ensure("data");
            foreach (var (k, v) in stringData)
            {
                data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonAccess.AsString(v) ?? ""));
            }
            obj.Remove("stringData");
        }
    }

    /// <summary>The byte length of base64 data (the size kube counts).</summary>
    public static long DecodedLength(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return 0;
        }
        var padding = base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0;
        return (base64.Length / 4 * 3) - padding;
    }

    private static byte[]? Decode(string? base64)
    {
        try
        {
            return base64 is null ? null : Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var data = obj.Obj("data");
        var dataPath = FieldPath.New("data");
        long total = 0;
        if (data is not null)
        {
            foreach (var (key, value) in data)
            {
                foreach (var m in NameRules.ConfigMapKey(key))
                {
                    errs.Add(FieldError.Invalid(dataPath.Key(key), key, m));
                }
                total += DecodedLength(JsonAccess.AsString(value));
            }
        }
        if (total > ConfigMapStrategy.MaxSize)
        {
            errs.Add(FieldError.TooLong(dataPath, ConfigMapStrategy.MaxSize));
        }
        switch (obj.S("type"))
        {
            case "kubernetes.io/service-account-token":
                if (obj.Obj("metadata").Obj("annotations").S("kubernetes.io/service-account.name").Length == 0)
                {
                    errs.Add(FieldError.Required(FieldPath.New("metadata", "annotations").Key("kubernetes.io/service-account.name")));
                }
                break;
            case "kubernetes.io/dockercfg":
                JsonKey(data, ".dockercfg", dataPath, errs);
                break;
            case "kubernetes.io/dockerconfigjson":
                JsonKey(data, ".dockerconfigjson", dataPath, errs);
                break;
            case "kubernetes.io/basic-auth":
                if (data?.ContainsKey("username") != true && data?.ContainsKey("password") != true)
                {
                    errs.Add(FieldError.Required(dataPath.Key("username")));
                    errs.Add(FieldError.Required(dataPath.Key("password")));
                }
                break;
            case "kubernetes.io/ssh-auth":
                if (DecodedLength(data.Str("ssh-privatekey")) == 0)
                {
                    errs.Add(FieldError.Required(dataPath.Key("ssh-privatekey")));
                }
                break;
            case "kubernetes.io/tls":
                if (data?.ContainsKey("tls.crt") != true)
                {
                    errs.Add(FieldError.Required(dataPath.Key("tls.crt")));
                }
                if (data?.ContainsKey("tls.key") != true)
                {
                    errs.Add(FieldError.Required(dataPath.Key("tls.key")));
                }
                break;
        }
    }

    private static void JsonKey(JsonObject? data, string key, FieldPath dataPath, List<FieldError> errs)
    {
        if (data?.ContainsKey(key) != true)
        {
            errs.Add(FieldError.Required(dataPath.Key(key)));
            return;
        }
        var bytes = Decode(data.Str(key)) ?? [];
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                errs.Add(FieldError.Invalid(dataPath.Key(key), "<secret contents redacted>", "json: cannot unmarshal into Go value of type map[string]interface {}"));
            }
        }
        catch (JsonException e)
        {
            errs.Add(FieldError.Invalid(dataPath.Key(key), "<secret contents redacted>", e.Message));
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Check.Immutable(obj["type"], old["type"], FieldPath.New("type"), errs);
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
        }
        Validate(obj, errs);
    }
}
