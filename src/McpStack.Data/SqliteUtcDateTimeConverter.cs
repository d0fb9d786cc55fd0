using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace McpStack.Data;

/// <summary>
/// How SQLite keeps a timestamp: the text EF Core's SQLite provider writes (<c>2026-12-02 01:53:55.1234567</c>), so
/// rows already stored, their order and every comparison stay as they were; read back as UTC, which SQLite forgets and
/// every timestamp McpStack writes is. The text is read by position: the general <see cref="DateTime.Parse(string)"/>
/// behind <c>SqliteDataReader.GetDateTime</c> was 4.5 % of the CPU of a tool call reading 50 rows (bench/README.md).
/// </summary>
public sealed class SqliteUtcDateTimeConverter() : ValueConverter<DateTime, string>(value => Format(value), text => Parse(text))
{
    private const string Pattern = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    public static string Format(DateTime value) => value.ToUniversalTime().ToString(Pattern, CultureInfo.InvariantCulture);

    public static DateTime Parse(string text)
    {
        var s = text.AsSpan();
        if (s.Length is 19 or (>= 21 and <= 27) && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':'
            && (s.Length == 19 || s[19] == '.')
            && Digits(s[..4], out var year) && Digits(s.Slice(5, 2), out var month) && Digits(s.Slice(8, 2), out var day)
            && Digits(s.Slice(11, 2), out var hour) && Digits(s.Slice(14, 2), out var minute) && Digits(s.Slice(17, 2), out var second)
            && (s.Length == 19 || Digits(s[20..], out _))
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && hour < 24 && minute < 60 && second < 60)
        {
            var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks;
            if (s.Length > 19)
            {
                Digits(s[20..], out var fraction);
                for (var i = s.Length - 20; i < 7; i++) fraction *= 10; // ".5" is 5,000,000 ticks
                ticks += fraction;
            }
            return new DateTime(ticks, DateTimeKind.Utc);
        }
        // Text in another form (written by hand or another tool): read as SqliteDataReader.GetDateTime reads it.
        return DateTime.SpecifyKind(DateTime.Parse(text, CultureInfo.InvariantCulture), DateTimeKind.Utc);
    }

    private static bool Digits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
