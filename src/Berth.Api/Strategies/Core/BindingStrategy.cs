using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Core;

/// <summary>Bindings (pods/binding): the target must name a Node.</summary>
public sealed class BindingStrategy : KindStrategy
{
    public static readonly BindingStrategy Instance = new();

    private BindingStrategy()
        : base(null)
    {
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var target = obj.Obj("target");
        var kind = target.S("kind");
        if (kind.Length != 0 && kind != "Node")
        {
            errs.Add(FieldError.NotSupported(FieldPath.New("target", "kind"), kind, ["Node", "<empty>"]));
        }
        if (target.S("name").Length == 0)
        {
            errs.Add(FieldError.Required(FieldPath.New("target", "name")));
        }
    }
}
