using System.Buffers.Binary;
using Berth.Api.Errors;

namespace Berth.ApiServer.Protobuf;

/// <summary>Protobuf wire types (the low three bits of a field tag).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    Len = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// A forward-only reader of protobuf wire format over a span. Every malformed input (truncated varint, length past the
/// end, bad field number, unknown wire type) throws a 400 <see cref="StatusException"/>; every call consumes at least one
/// byte or throws, so no input can make a caller loop forever.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly bool End => _pos >= _data.Length;

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length)
            {
                throw Malformed("truncated varint");
            }
            var b = _data[_pos++];
            // The tenth byte may only carry the top bit of a 64-bit value.
            if (shift == 63 && b > 1)
            {
                throw Malformed("varint overflows 64 bits");
            }
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw Malformed("varint overflows 64 bits");
    }

    public (int Field, WireType Wire) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        if (field is 0 or > 536_870_911)
        {
            throw Malformed($"invalid field number {field}");
        }
        return ((int)field, (WireType)(tag & 7));
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _pos))
        {
            throw Malformed("length-delimited field runs past the end of its message");
        }
        var slice = _data.Slice(_pos, (int)length);
        _pos += (int)length;
        return slice;
    }

    public ulong ReadFixed64()
    {
        if (_data.Length - _pos < 8)
        {
            throw Malformed("truncated fixed64");
        }
        var v = BinaryPrimitives.ReadUInt64LittleEndian(_data[_pos..]);
        _pos += 8;
        return v;
    }

    public uint ReadFixed32()
    {
        if (_data.Length - _pos < 4)
        {
            throw Malformed("truncated fixed32");
        }
        var v = BinaryPrimitives.ReadUInt32LittleEndian(_data[_pos..]);
        _pos += 4;
        return v;
    }

    /// <summary>Skips one field value of an unknown field. Groups (deprecated, never used by Kubernetes) are rejected.</summary>
    public void Skip(WireType wire)
    {
        switch (wire)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                ReadFixed64();
                break;
            case WireType.Len:
                ReadBytes();
                break;
            case WireType.Fixed32:
                ReadFixed32();
                break;
            default:
                throw Malformed($"unsupported wire type {(int)wire}");
        }
    }

    public static StatusException Malformed(string why) =>
        StatusException.BadRequest("unable to decode protobuf body: " + why);
}
