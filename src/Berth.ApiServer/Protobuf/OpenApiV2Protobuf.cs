using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Protobuf;

/// <summary>
/// Encodes a Swagger 2.0 document as gnostic's <c>openapi.v2.Document</c> protobuf message
/// (github.com/google/gnostic-models, openapiv2/OpenAPIv2.proto), the form kubectl 1.27–1.28 asks for at
/// <c>/openapi/v2</c> and reads with kube-openapi's proto models for validation, <c>explain</c> and apply.
/// </summary>
/// <remarks>
/// Mirrors gnostic's compiler: parameters split by <c>in</c> into body and per-location sub-schemas, <c>$ref</c>
/// parameters and responses become JsonReferences, <c>type</c> and <c>items</c> accept one or many, and every
/// <c>x-…</c> key becomes a NamedAny whose <c>yaml</c> holds the value as YAML. proto3: unset and default values are not
/// written. Stateless and thread-safe; callers should cache the bytes (the document changes only with the kind registry).
/// </remarks>
public static class OpenApiV2Protobuf
{
    /// <summary>The media type kubectl 1.27–1.28 sends in Accept.</summary>
    public const string MediaType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    /// <summary>
    /// The Content-Type to answer with, as kube-apiserver does: client-go parses the response Content-Type with Go's
    /// <c>mime.ParseMediaType</c>, which rejects the '@' of <see cref="MediaType"/> ("mime: unexpected content after
    /// media subtype"). Newer clients also send this form in Accept, so accept both.
    /// </summary>
    public const string ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    /// <summary>Encodes <paramref name="swagger"/>. Fields of the wrong JSON type are left out rather than rejected.</summary>
    public static byte[] Encode(JsonObject swagger)
    {
        var w = new ProtoWriter();
        Document(w, swagger);
        return w.ToArray();
    }

    private static void Document(ProtoWriter w, JsonObject d)
    {
        w.String(1, Str(d, "swagger"));
        Msg(w, 2, Obj(d, "info"), Info);
        w.String(3, Str(d, "host"));
        w.String(4, Str(d, "basePath"));
        Strings(w, 5, d["schemes"]);
        Strings(w, 6, d["consumes"]);
        Strings(w, 7, d["produces"]);
        Msg(w, 8, Obj(d, "paths"), Paths);
        Msg(w, 9, Obj(d, "definitions"), (w, o) => Named(w, 1, o, Schema));
        Msg(w, 10, Obj(d, "parameters"), (w, o) => Named(w, 1, o, Parameter));
        Msg(w, 11, Obj(d, "responses"), (w, o) => Named(w, 1, o, Response));
        Each(w, 12, d["security"], SecurityRequirement);
        Msg(w, 13, Obj(d, "securityDefinitions"), (w, o) => Named(w, 1, o, SecurityDefinition));
        Each(w, 14, d["tags"], Tag);
        Msg(w, 15, Obj(d, "externalDocs"), ExternalDocs);
        Extensions(w, 16, d);
    }

    private static void Info(ProtoWriter w, JsonObject o)
    {
        w.String(1, Str(o, "title"));
        w.String(2, Str(o, "version"));
        w.String(3, Str(o, "description"));
        w.String(4, Str(o, "termsOfService"));
        Msg(w, 5, Obj(o, "contact"), (w, c) =>
        {
            w.String(1, Str(c, "name"));
            w.String(2, Str(c, "url"));
            w.String(3, Str(c, "email"));
            Extensions(w, 4, c);
        });
        Msg(w, 6, Obj(o, "license"), (w, l) =>
        {
            w.String(1, Str(l, "name"));
            w.String(2, Str(l, "url"));
            Extensions(w, 3, l);
        });
        Extensions(w, 7, o);
    }

    private static void Paths(ProtoWriter w, JsonObject o)
    {
        Extensions(w, 1, o);
        foreach (var (path, item) in o)
        {
            if (path.StartsWith('/') && item is JsonObject pathItem)
            {
                NamedValue(w, 2, path, pathItem, PathItem);
            }
        }
    }

    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch"];

    private static void PathItem(ProtoWriter w, JsonObject o)
    {
        w.String(1, Str(o, "$ref"));
        for (var i = 0; i < Methods.Length; i++)
        {
            Msg(w, 2 + i, Obj(o, Methods[i]), Operation);
        }
        Each(w, 9, o["parameters"], ParametersItem);
        Extensions(w, 10, o);
    }

    private static void Operation(ProtoWriter w, JsonObject o)
    {
        Strings(w, 1, o["tags"]);
        w.String(2, Str(o, "summary"));
        w.String(3, Str(o, "description"));
        Msg(w, 4, Obj(o, "externalDocs"), ExternalDocs);
        w.String(5, Str(o, "operationId"));
        Strings(w, 6, o["produces"]);
        Strings(w, 7, o["consumes"]);
        Each(w, 8, o["parameters"], ParametersItem);
        Msg(w, 9, Obj(o, "responses"), Responses);
        Strings(w, 10, o["schemes"]);
        w.Bool(11, Bool(o, "deprecated"));
        Each(w, 12, o["security"], SecurityRequirement);
        Extensions(w, 13, o);
    }

    // ParametersItem is a oneof: a JsonReference when the entry is {"$ref": ...}, else a Parameter.
    private static void ParametersItem(ProtoWriter w, JsonObject o)
    {
        if (Str(o, "$ref") is { } reference)
        {
            Msg(w, 2, o, (w, r) => JsonReference(w, r, reference));
        }
        else
        {
            Msg(w, 1, o, Parameter);
        }
    }

    private static void JsonReference(ProtoWriter w, JsonObject o, string reference)
    {
        w.String(1, reference);
        w.String(2, Str(o, "description"));
    }

    private static void Parameter(ProtoWriter w, JsonObject o)
    {
        var location = Str(o, "in");
        if (location == "body")
        {
            Msg(w, 1, o, (w, p) =>
            {
                w.String(1, Str(p, "description"));
                w.String(2, Str(p, "name"));
                w.String(3, "body");
                w.Bool(4, Bool(p, "required"));
                Msg(w, 5, Obj(p, "schema"), Schema);
                Extensions(w, 6, p);
            });
            return;
        }
        // NonBodyParameter: header=1, formData=2, query=3, path=4. Query and formData carry allowEmptyValue (5),
        // which shifts their remaining fields by one.
        var (field, allowEmpty) = location switch
        {
            "header" => (1, false),
            "formData" => (2, true),
            "path" => (4, false),
            _ => (3, true),
        };
        Msg(w, 2, o, (w, p) => Msg(w, field, p, (w, s) =>
        {
            w.Bool(1, Bool(s, "required"));
            w.String(2, Str(s, "in"));
            w.String(3, Str(s, "description"));
            w.String(4, Str(s, "name"));
            if (allowEmpty)
            {
                w.Bool(5, Bool(s, "allowEmptyValue"));
            }
            var first = allowEmpty ? 6 : 5;
            Primitive(w, s, first, first + 17);
        }));
    }

    /// <summary>
    /// The validation fields that PrimitivesItems, Header and the non-body parameters share, numbered consecutively
    /// from <paramref name="first"/> (type, format, items, collectionFormat, default, maximum, exclusiveMaximum, minimum,
    /// exclusiveMinimum, maxLength, minLength, pattern, maxItems, minItems, uniqueItems, enum, multipleOf).
    /// </summary>
    private static void Primitive(ProtoWriter w, JsonObject o, int first, int vendorField)
    {
        w.String(first, Str(o, "type"));
        w.String(first + 1, Str(o, "format"));
        Msg(w, first + 2, Obj(o, "items"), (w, i) => Primitive(w, i, 1, 18));
        w.String(first + 3, Str(o, "collectionFormat"));
        AnyField(w, first + 4, o, "default");
        w.Double(first + 5, Num(o, "maximum"));
        w.Bool(first + 6, Bool(o, "exclusiveMaximum"));
        w.Double(first + 7, Num(o, "minimum"));
        w.Bool(first + 8, Bool(o, "exclusiveMinimum"));
        w.Int64(first + 9, Int(o, "maxLength"));
        w.Int64(first + 10, Int(o, "minLength"));
        w.String(first + 11, Str(o, "pattern"));
        w.Int64(first + 12, Int(o, "maxItems"));
        w.Int64(first + 13, Int(o, "minItems"));
        w.Bool(first + 14, Bool(o, "uniqueItems"));
        if (o["enum"] is JsonArray values)
        {
            foreach (var v in values)
            {
                w.Message(first + 15, v, Any);
            }
        }
        w.Double(first + 16, Num(o, "multipleOf"));
        Extensions(w, vendorField, o);
    }

    private static void Responses(ProtoWriter w, JsonObject o)
    {
        foreach (var (code, value) in o)
        {
            if (!code.StartsWith("x-", StringComparison.Ordinal) && value is JsonObject response)
            {
                NamedValue(w, 1, code, response, (w, r) =>
                {
                    if (Str(r, "$ref") is { } reference)
                    {
                        Msg(w, 2, r, (w, x) => JsonReference(w, x, reference));
                    }
                    else
                    {
                        Msg(w, 1, r, Response);
                    }
                });
            }
        }
        Extensions(w, 2, o);
    }

    private static void Response(ProtoWriter w, JsonObject o)
    {
        w.String(1, Str(o, "description"));
        // SchemaItem: a FileSchema for {"type": "file"}, else a Schema.
        Msg(w, 2, Obj(o, "schema"), (w, s) =>
        {
            if (Str(s, "type") == "file")
            {
                Msg(w, 2, s, FileSchema);
            }
            else
            {
                Msg(w, 1, s, Schema);
            }
        });
        Msg(w, 3, Obj(o, "headers"), (w, h) => Named(w, 1, h, (w, x) =>
        {
            // Header: the shared validation fields 1–17, then description (18) and extensions (19).
            Primitive(w, x, 1, 19);
            w.String(18, Str(x, "description"));
        }));
        Msg(w, 4, Obj(o, "examples"), (w, e) =>
        {
            foreach (var (name, value) in e)
            {
                NamedValue(w, 1, name, value, Any);
            }
        });
        Extensions(w, 5, o);
    }

    private static void FileSchema(ProtoWriter w, JsonObject o)
    {
        w.String(1, Str(o, "format"));
        w.String(2, Str(o, "title"));
        w.String(3, Str(o, "description"));
        AnyField(w, 4, o, "default");
        Strings(w, 5, o["required"]);
        w.String(6, Str(o, "type"));
        w.Bool(7, Bool(o, "readOnly"));
        Msg(w, 8, Obj(o, "externalDocs"), ExternalDocs);
        AnyField(w, 9, o, "example");
        Extensions(w, 10, o);
    }

    private static void Schema(ProtoWriter w, JsonObject o)
    {
        w.String(1, Str(o, "$ref"));
        w.String(2, Str(o, "format"));
        w.String(3, Str(o, "title"));
        w.String(4, Str(o, "description"));
        AnyField(w, 5, o, "default");
        w.Double(6, Num(o, "multipleOf"));
        w.Double(7, Num(o, "maximum"));
        w.Bool(8, Bool(o, "exclusiveMaximum"));
        w.Double(9, Num(o, "minimum"));
        w.Bool(10, Bool(o, "exclusiveMinimum"));
        w.Int64(11, Int(o, "maxLength"));
        w.Int64(12, Int(o, "minLength"));
        w.String(13, Str(o, "pattern"));
        w.Int64(14, Int(o, "maxItems"));
        w.Int64(15, Int(o, "minItems"));
        w.Bool(16, Bool(o, "uniqueItems"));
        w.Int64(17, Int(o, "maxProperties"));
        w.Int64(18, Int(o, "minProperties"));
        Strings(w, 19, o["required"]);
        if (o["enum"] is JsonArray values)
        {
            foreach (var v in values)
            {
                w.Message(20, v, Any);
            }
        }
        // AdditionalPropertiesItem is a oneof {schema=1, boolean=2}: false is written, since it differs from absent.
        switch (o["additionalProperties"])
        {
            case JsonObject schema:
                Msg(w, 21, schema, (w, s) => Msg(w, 1, s, Schema));
                break;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                Msg(w, 21, v.GetValueKind() == JsonValueKind.True, (w, b) => w.OneofBool(2, b));
                break;
        }
        // TypeItem and ItemsItem accept one value or a list.
        switch (o["type"])
        {
            case JsonArray types:
                Msg(w, 22, types, (w, t) => Strings(w, 1, t));
                break;
            case JsonValue t when t.GetValueKind() == JsonValueKind.String:
                Msg(w, 22, t.GetValue<string>(), (w, s) => w.String(1, s));
                break;
        }
        switch (o["items"])
        {
            case JsonObject item:
                Msg(w, 23, item, (w, i) => Msg(w, 1, i, Schema));
                break;
            case JsonArray items:
                Msg(w, 23, items, (w, list) => Each(w, 1, list, Schema));
                break;
        }
        Each(w, 24, o["allOf"], Schema);
        Msg(w, 25, Obj(o, "properties"), (w, p) => Named(w, 1, p, Schema));
        w.String(26, Str(o, "discriminator"));
        w.Bool(27, Bool(o, "readOnly"));
        Msg(w, 28, Obj(o, "xml"), (w, x) =>
        {
            w.String(1, Str(x, "name"));
            w.String(2, Str(x, "namespace"));
            w.String(3, Str(x, "prefix"));
            w.Bool(4, Bool(x, "attribute"));
            w.Bool(5, Bool(x, "wrapped"));
            Extensions(w, 6, x);
        });
        Msg(w, 29, Obj(o, "externalDocs"), ExternalDocs);
        AnyField(w, 30, o, "example");
        Extensions(w, 31, o);
    }

    private static void SecurityRequirement(ProtoWriter w, JsonObject o)
    {
        foreach (var (name, scopes) in o)
        {
            NamedValue(w, 1, name, scopes, (w, list) => Strings(w, 1, list));
        }
    }

    // SecurityDefinitionsItem is a oneof by type (and, for oauth2, flow); each variant numbers its fields its own way.
    private static void SecurityDefinition(ProtoWriter w, JsonObject o)
    {
        switch (Str(o, "type"), Str(o, "flow"))
        {
            case ("basic", _):
                Msg(w, 1, o, (w, s) =>
                {
                    w.String(1, "basic");
                    w.String(2, Str(s, "description"));
                    Extensions(w, 3, s);
                });
                break;
            case ("apiKey", _):
                Msg(w, 2, o, (w, s) =>
                {
                    w.String(1, "apiKey");
                    w.String(2, Str(s, "name"));
                    w.String(3, Str(s, "in"));
                    w.String(4, Str(s, "description"));
                    Extensions(w, 5, s);
                });
                break;
            case ("oauth2", "implicit"):
                Msg(w, 3, o, (w, s) => OAuth2(w, s, authorizationUrl: 4, tokenUrl: 0, description: 5));
                break;
            case ("oauth2", "password"):
                Msg(w, 4, o, (w, s) => OAuth2(w, s, authorizationUrl: 0, tokenUrl: 4, description: 5));
                break;
            case ("oauth2", "application"):
                Msg(w, 5, o, (w, s) => OAuth2(w, s, authorizationUrl: 0, tokenUrl: 4, description: 5));
                break;
            case ("oauth2", "accessCode"):
                Msg(w, 6, o, (w, s) => OAuth2(w, s, authorizationUrl: 4, tokenUrl: 5, description: 6));
                break;
        }
    }

    private static void OAuth2(ProtoWriter w, JsonObject o, int authorizationUrl, int tokenUrl, int description)
    {
        w.String(1, "oauth2");
        w.String(2, Str(o, "flow"));
        Msg(w, 3, Obj(o, "scopes"), (w, scopes) =>
        {
            foreach (var (name, value) in scopes)
            {
                // NamedString {name=1, value=2} holds its value as a string, not a message.
                w.Message(1, (name, value), static (w, s) =>
                {
                    w.String(1, s.name);
                    w.String(2, s.value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null);
                });
            }
        });
        if (authorizationUrl != 0)
        {
            w.String(authorizationUrl, Str(o, "authorizationUrl"));
        }
        if (tokenUrl != 0)
        {
            w.String(tokenUrl, Str(o, "tokenUrl"));
        }
        w.String(description, Str(o, "description"));
        Extensions(w, description + 1, o);
    }

    private static void Tag(ProtoWriter w, JsonObject o)
    {
        w.String(1, Str(o, "name"));
        w.String(2, Str(o, "description"));
        Msg(w, 3, Obj(o, "externalDocs"), ExternalDocs);
        Extensions(w, 4, o);
    }

    private static void ExternalDocs(ProtoWriter w, JsonObject o)
    {
        w.String(1, Str(o, "description"));
        w.String(2, Str(o, "url"));
        Extensions(w, 3, o);
    }

    /// <summary>openapi.v2.Any: gnostic keeps the value as YAML text (field 2); field 1 (google.protobuf.Any) stays unset.</summary>
    private static void Any(ProtoWriter w, JsonNode? value) => w.String(2, GnosticYaml.Serialize(value));

    private static void AnyField(ProtoWriter w, int field, JsonObject o, string name)
    {
        if (o.TryGetPropertyValue(name, out var value))
        {
            w.Message(field, value, Any);
        }
    }

    /// <summary>Every <c>x-</c> key as a NamedAny {name=1, value=2}.</summary>
    private static void Extensions(ProtoWriter w, int field, JsonObject o)
    {
        foreach (var (name, value) in o)
        {
            if (name.StartsWith("x-", StringComparison.Ordinal))
            {
                NamedValue(w, field, name, value, Any);
            }
        }
    }

    /// <summary>A map as a list of Named* messages {name=1, value=2} whose values are JSON objects.</summary>
    private static void Named(ProtoWriter w, int field, JsonObject map, Action<ProtoWriter, JsonObject> value)
    {
        foreach (var (name, v) in map)
        {
            if (v is JsonObject obj)
            {
                NamedValue(w, field, name, obj, value);
            }
        }
    }

    private static void NamedValue<T>(ProtoWriter w, int field, string name, T value, Action<ProtoWriter, T> write) =>
        w.Message(field, (name, value, write), static (w, s) =>
        {
            w.String(1, s.name);
            w.Message(2, s.value, s.write);
        });

    private static void Msg<T>(ProtoWriter w, int field, T? value, Action<ProtoWriter, T> write)
    {
        if (value is not null)
        {
            w.Message(field, value, write);
        }
    }

    private static void Each(ProtoWriter w, int field, JsonNode? list, Action<ProtoWriter, JsonObject> write)
    {
        if (list is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is JsonObject obj)
                {
                    w.Message(field, obj, write);
                }
            }
        }
    }

    private static void Strings(ProtoWriter w, int field, JsonNode? list)
    {
        if (list is not JsonArray array)
        {
            return;
        }
        foreach (var item in array)
        {
            // Repeated strings keep empty elements: proto3 omits only unset singular scalars.
            if (item is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                var s = v.GetValue<string>();
                if (s.Length == 0)
                {
                    w.Tag(field, WireType.Len);
                    w.Varint(0);
                }
                else
                {
                    w.String(field, s);
                }
            }
        }
    }

    private static JsonObject? Obj(JsonObject o, string name) => o[name] as JsonObject;

    private static string? Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool Bool(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static double Num(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) : 0;

    private static long Int(JsonObject o, string name)
    {
        if (o[name] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return 0;
        }
        var text = v.ToJsonString();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
            ? l : (long)double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
