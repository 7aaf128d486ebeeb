using System.Text;

namespace Berth.ApiServer.Tests.Protobuf;

/// <summary>
/// A test-side protobuf writer, independent of the code under test, for hand-encoding Kubernetes messages:
/// <c>new Pb().Str(1, "web").Msg(2, s => s.Int(1, 3))</c>.
/// </summary>
internal sealed class Pb
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public Pb Tag(int field, int wire)
    {
        Raw((ulong)field << 3 | (uint)wire);
        return this;
    }

    public Pb Raw(ulong varint)
    {
        do
        {
            var b = (byte)(varint & 0x7F);
            varint >>= 7;
            _bytes.Add(varint == 0 ? b : (byte)(b | 0x80));
        }
        while (varint != 0);
        return this;
    }

    /// <summary>Appends bytes as they are, to build malformed input.</summary>
    public Pb Append(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public Pb Int(int field, long value) => Tag(field, 0).Raw(unchecked((ulong)value));

    public Pb Bool(int field, bool value) => Int(field, value ? 1 : 0);

    public Pb Double(int field, double value)
    {
        Tag(field, 1);
        _bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    public Pb Bytes(int field, byte[] value)
    {
        Tag(field, 2).Raw((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public Pb Str(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public Pb Msg(int field, Pb message) => Bytes(field, message.ToArray());

    public Pb Msg(int field, Action<Pb> build)
    {
        var m = new Pb();
        build(m);
        return Msg(field, m);
    }

    /// <summary>A map&lt;string,string&gt; entry.</summary>
    public Pb Map(int field, string key, string value) => Msg(field, e => e.Str(1, key).Str(2, value));

    public Pb Map(int field, string key, byte[] value) => Msg(field, e => e.Str(1, key).Bytes(2, value));

    public Pb Map(int field, string key, Action<Pb> value) => Msg(field, e => e.Str(1, key).Msg(2, value));

    /// <summary>resource.Quantity.</summary>
    public Pb Quantity(int field, string value) => Msg(field, q => q.Str(1, value));

    public Pb IntOrString(int field, int value) => Msg(field, v => v.Int(1, 0).Int(2, value).Str(3, ""));

    public Pb IntOrString(int field, string value) => Msg(field, v => v.Int(1, 1).Int(2, 0).Str(3, value));

    public byte[] ToArray() => [.. _bytes];

    /// <summary>The full request body: <c>k8s\0</c> + runtime.Unknown{typeMeta, raw, "", ""} as Go writes it.</summary>
    public static byte[] Envelope(string apiVersion, string kind, Pb obj) =>
        [.. "k8s\0"u8.ToArray(), .. new Pb().Msg(1, t => t.Str(1, apiVersion).Str(2, kind)).Msg(2, obj).Str(3, "").Str(4, "").ToArray()];

    /// <summary>metav1.ObjectMeta as Go writes it: every non-pointer field present, zero time as an empty message.</summary>
    public static Pb Meta(string name, string ns = "", params (string Key, string Value)[] labels)
    {
        var m = new Pb().Str(1, name).Str(2, "").Str(3, ns).Str(4, "").Str(5, "").Str(6, "").Int(7, 0).Msg(8, new Pb());
        foreach (var (k, v) in labels)
        {
            m.Map(11, k, v);
        }
        return m;
    }
}
