using System.Globalization;
using System.Text;

namespace Berth.Api.Validation;

/// <summary>
/// A field path as kube-apiserver prints it (k8s.io/apimachinery field.Path):
/// <c>spec.template.spec.containers[0].resources.limits[cpu]</c>.
/// </summary>
/// <remarks>
/// Immutable; each step allocates one small node and the string is only built when an error is
/// reported, so building paths for every validated element stays cheap.
/// </remarks>
public sealed class FieldPath
{
    private readonly FieldPath? _parent;
    private readonly string? _name;
    private readonly string? _key;
    private readonly int _index;

    private FieldPath(FieldPath? parent, string? name, string? key, int index)
    {
        _parent = parent;
        _name = name;
        _key = key;
        _index = index;
    }

    /// <summary>A path starting at a top-level field, e.g. <c>New("spec")</c>.</summary>
    public static FieldPath New(string name, params string[] more)
    {
        var p = new FieldPath(null, name, null, -1);
        foreach (var m in more)
        {
            p = p.Child(m);
        }
        return p;
    }

    /// <summary>The empty path: errors about the whole object.</summary>
    public static FieldPath Root { get; } = new(null, "", null, -1);

    public FieldPath Child(string name) => new(this, name, null, -1);

    public FieldPath Child(string name, string name2) => Child(name).Child(name2);

    public FieldPath Child(string name, string name2, string name3) => Child(name).Child(name2).Child(name3);

    public FieldPath Index(int index) => new(this, null, null, index);

    public FieldPath Key(string key) => new(this, null, key, -1);

    public override string ToString()
    {
        var parts = new List<FieldPath>();
        for (var p = this; p is not null; p = p._parent)
        {
            parts.Add(p);
        }
        var sb = new StringBuilder();
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            var p = parts[i];
            if (p._name is not null)
            {
                if (sb.Length > 0 && p._name.Length > 0)
                {
                    sb.Append('.');
                }
                sb.Append(p._name);
            }
            else if (p._key is not null)
            {
                sb.Append('[').Append(p._key).Append(']');
            }
            else
            {
                sb.Append('[').Append(p._index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
        }
        return sb.ToString();
    }

    public static implicit operator string(FieldPath p) => p.ToString();
}
