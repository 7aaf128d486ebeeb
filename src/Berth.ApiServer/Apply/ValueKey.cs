using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// A JSON value reduced to what structured-merge-diff's total order needs, computed once so that sorting
/// keys and set values (<see cref="PathElement.CompareTo"/>) never touches the JSON again.
/// </summary>
internal readonly struct ValueKey : IComparable<ValueKey>
{
    // Rank: numbers, strings, booleans, lists, maps, null (value.Compare's order).
    private readonly byte _rank;
    private readonly bool _isLong;
    private readonly long _long;
    private readonly double _double;
    private readonly string? _text;
    private readonly JsonNode? _complex;

    private ValueKey(byte rank, bool isLong = false, long l = 0, double d = 0, string? text = null, JsonNode? complex = null)
    {
        _rank = rank;
        _isLong = isLong;
        _long = l;
        _double = d;
        _text = text;
        _complex = complex;
    }

    public static ValueKey Of(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return new ValueKey(5);
            case JsonObject:
                return new ValueKey(4, complex: node);
            case JsonArray:
                return new ValueKey(3, complex: node);
        }
        var v = (JsonValue)node;
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                return new ValueKey(1, text: v.GetValue<string>());
            case JsonValueKind.True:
                return new ValueKey(2, l: 1);
            case JsonValueKind.False:
                return new ValueKey(2, l: 0);
            case JsonValueKind.Number:
                if (GoJson.TryGetLong(v, out var l))
                {
                    return new ValueKey(0, isLong: true, l: l, d: l);
                }
                var text = v.ToJsonString();
                return new ValueKey(0, d: double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN);
            default:
                return new ValueKey(5);
        }
    }

    public int CompareTo(ValueKey other)
    {
        if (_rank != other._rank)
        {
            return _rank < other._rank ? -1 : 1;
        }
        return _rank switch
        {
            0 => _isLong && other._isLong ? _long.CompareTo(other._long) : _double.CompareTo(other._double),
            1 => Math.Sign(string.CompareOrdinal(_text, other._text)),
            2 => _long.CompareTo(other._long),
            3 or 4 => GoJson.Compare(_complex, other._complex),
            _ => 0,
        };
    }
}
