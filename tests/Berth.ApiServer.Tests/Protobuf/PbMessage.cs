using System.Text;

namespace Berth.ApiServer.Tests.Protobuf;

/// <summary>
/// A test-side protobuf reader, independent of the code under test: parses one message into its fields by number,
/// leaving nested messages as bytes until asked for (<c>doc.Msg(9).All(1)</c>).
/// </summary>
internal sealed class PbMessage
{
    private readonly Dictionary<int, List<(int Wire, ulong Number, byte[] Bytes)>> _fields = [];

    public PbMessage(byte[] data)
    {
        var pos = 0;
        while (pos < data.Length)
        {
            var tag = Varint(data, ref pos);
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            (int, ulong, byte[]) value = wire switch
            {
                0 => (0, Varint(data, ref pos), []),
                1 => (1, BitConverter.ToUInt64(data, (pos += 8) - 8), []),
                2 => (2, 0, Take(data, ref pos)),
                5 => (5, BitConverter.ToUInt32(data, (pos += 4) - 4), []),
                _ => throw new InvalidDataException($"wire type {wire}"),
            };
            if (!_fields.TryGetValue(field, out var list))
            {
                _fields[field] = list = [];
            }
            list.Add(value);
        }
    }

    public IReadOnlyCollection<int> FieldNumbers => _fields.Keys;

    public bool Has(int field) => _fields.ContainsKey(field);

    public PbMessage Msg(int field) => new(Single(field).Bytes);

    public IEnumerable<PbMessage> All(int field) => Values(field).Select(v => new PbMessage(v.Bytes));

    public string? Str(int field) => Has(field) ? Encoding.UTF8.GetString(Single(field).Bytes) : null;

    public IEnumerable<string> Strs(int field) => Values(field).Select(v => Encoding.UTF8.GetString(v.Bytes));

    public ulong? Num(int field) => Has(field) ? Single(field).Number : null;

    public double? Double(int field) => Has(field) ? BitConverter.UInt64BitsToDouble(Single(field).Number) : null;

    /// <summary>Named* messages {name=1, value=2} of a repeated field, by name.</summary>
    public Dictionary<string, PbMessage> Named(int field) => All(field).ToDictionary(m => m.Str(1)!, m => m.Msg(2));

    private (int Wire, ulong Number, byte[] Bytes) Single(int field) => _fields[field].Single();

    private IEnumerable<(int Wire, ulong Number, byte[] Bytes)> Values(int field) =>
        _fields.TryGetValue(field, out var list) ? list : [];

    private static ulong Varint(byte[] data, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
    }

    private static byte[] Take(byte[] data, ref int pos)
    {
        var length = (int)Varint(data, ref pos);
        var bytes = data[pos..(pos + length)];
        pos += length;
        return bytes;
    }
}
