using System.Buffers.Binary;
using System.Text;

namespace Berth.ApiServer.Protobuf;

/// <summary>
/// Writes protobuf wire format into a growable buffer. The scalar helpers follow proto3: a default value (empty string,
/// zero, false) is not written. Nested messages are built in a child writer, reused per nesting level, then copied
/// behind their length.
/// </summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;
    private ProtoWriter? _child;

    public int Length => _length;

    public void Tag(int field, WireType wire) => Varint((ulong)field << 3 | (uint)wire);

    public void Varint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    public void String(int field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        Tag(field, WireType.Len);
        var count = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public void Bool(int field, bool value)
    {
        if (value)
        {
            Tag(field, WireType.Varint);
            Varint(1);
        }
    }

    /// <summary>A bool written even when false: a member of a oneof, whose presence carries meaning.</summary>
    public void OneofBool(int field, bool value)
    {
        Tag(field, WireType.Varint);
        Varint(value ? 1UL : 0UL);
    }

    public void Int64(int field, long value)
    {
        if (value != 0)
        {
            Tag(field, WireType.Varint);
            Varint(unchecked((ulong)value));
        }
    }

    public void Double(int field, double value)
    {
        if (value != 0)
        {
            Tag(field, WireType.Fixed64);
            Ensure(8);
            BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_length), value);
            _length += 8;
        }
    }

    /// <summary>Writes a nested message built by <paramref name="body"/>, even when it comes out empty.</summary>
    public void Message<TState>(int field, TState state, Action<ProtoWriter, TState> body)
    {
        var child = _child ??= new ProtoWriter();
        child._length = 0;
        body(child, state);
        Tag(field, WireType.Len);
        Varint((ulong)child._length);
        Ensure(child._length);
        child._buffer.AsSpan(0, child._length).CopyTo(_buffer.AsSpan(_length));
        _length += child._length;
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
