// Temporary until the strategies helper's branch lands.
using System.Text.Json.Nodes;
using Berth.Api.Kinds;

namespace Berth.Api.Validation;

public static class ObjectMetaValidator
{
    public static List<FieldError> ValidateCreate(JsonObject obj, ResourceInfo info) => [];

    public static List<FieldError> ValidateUpdate(JsonObject obj, JsonObject old, ResourceInfo info) => [];
}
