namespace CvmCheck.Formats.Linux;

/// <summary>The kernel's CPU list format (<c>sys/devices/system/cpu/online</c>): "0-3,5,7-8".</summary>
public static class CpuList
{
    public static bool TryCount(string text, out int count)
    {
        count = 0;
        var t = text.Trim();
        if (t.Length == 0)
        {
            return true;
        }

        foreach (var part in t.Split(','))
        {
            var dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (!int.TryParse(part, out _))
                {
                    return false;
                }

                count++;
                continue;
            }

            if (!int.TryParse(part[..dash], out var lo) || !int.TryParse(part[(dash + 1)..], out var hi) || hi < lo)
            {
                return false;
            }

            count += hi - lo + 1;
        }

        return true;
    }
}
