using System.Globalization;

namespace CvmCheck.Cli;

/// <summary>Durations on the command line: <c>500ms</c>, <c>15s</c>, <c>2m</c>, <c>1h</c>, or plain seconds.</summary>
public static class Duration
{
    public static TimeSpan Parse(string text, string option)
    {
        var t = text.Trim();
        (string suffix, double scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0)
            {
                return TimeSpan.FromSeconds(v * scale);
            }
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        throw new UserInputException($"{option}: '{text}' is not a duration (expected e.g. 15s, 500ms, 2m)");
    }
}
