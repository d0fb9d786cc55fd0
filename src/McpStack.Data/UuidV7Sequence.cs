using System.Buffers.Binary;

namespace McpStack.Data;

/// <summary>
/// UUID version 7 ids, each greater than the one before (RFC 9562, 6.2 method 2: the random bits count on within a
/// millisecond). <see cref="Guid.CreateVersion7(DateTimeOffset)"/> orders ids only across milliseconds, and rows saved
/// in one commit share its time, so their order (a conversation's messages, tasks added together) would rest on chance.
/// </summary>
/// <remarks>
/// One per <see cref="AppDbContext"/>, which makes a commit's rows, and is used by one thread at a time like it.
/// Ordered as the databases order them: PostgreSQL's <c>uuid</c> compares bytes in RFC order, SQLite compares the
/// canonical text, which is the same order.
/// </remarks>
public sealed class UuidV7Sequence
{
    // The 74 bits after the timestamp that are not version or variant: rand_a (12) and rand_b (62), as one number.
    private const int CounterBits = 74;
    private static readonly UInt128 CounterMask = (UInt128.One << CounterBits) - 1;

    private long _lastMilliseconds = long.MinValue;
    private UInt128 _lastCounter;

    /// <summary>A new id for <paramref name="now"/>, greater than every id this sequence made before.</summary>
    public Guid Next(DateTimeOffset now)
    {
        var milliseconds = now.ToUnixTimeMilliseconds();
        if (milliseconds > _lastMilliseconds)
        {
            (_lastMilliseconds, _lastCounter) = (milliseconds, Counter(Guid.CreateVersion7(now)));
        }
        else if (++_lastCounter > CounterMask)
        {
            // A clock set back lends the last id's time; a full counter (2^74 ids in one millisecond) the next one.
            (_lastMilliseconds, _lastCounter) = (_lastMilliseconds + 1, Counter(Guid.CreateVersion7(now)));
        }
        return Compose(_lastMilliseconds, _lastCounter);
    }

    private static UInt128 Counter(Guid id)
    {
        var value = BinaryPrimitives.ReadUInt128BigEndian(id.ToByteArray(bigEndian: true));
        var randA = (value >> 64) & 0xFFF;
        var randB = value & ((UInt128.One << 62) - 1);
        return (randA << 62) | randB;
    }

    private static Guid Compose(long milliseconds, UInt128 counter)
    {
        var value = ((UInt128)(ulong)milliseconds << 80)
            | ((UInt128)0x7 << 76)
            | ((counter >> 62) << 64)
            | ((UInt128)0b10 << 62)
            | (counter & ((UInt128.One << 62) - 1));
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new Guid(bytes, bigEndian: true);
    }
}
