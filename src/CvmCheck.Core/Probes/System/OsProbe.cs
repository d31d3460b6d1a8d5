using CvmCheck.Core.Facts;
using CvmCheck.Formats.Linux;

namespace CvmCheck.Core.Probes.System;

/// <summary><c>etc/os-release</c>: distribution id, version and pretty name.</summary>
public sealed class OsProbe : IProbe
{
    public const string Path = "etc/os-release";

    public string Name => "os";

    public void Run(ProbeContext context)
    {
        var text = context.ReadText(Path, FactNames.OsId);
        if (text is null)
        {
            context.Facts.Add(Fact.Absent(FactNames.OsVersionId, [Path]));
            context.Facts.Add(Fact.Absent(FactNames.OsPrettyName, [Path]));
            return;
        }

        var entries = KeyValueFile.ParseOsRelease(text).ToDictionary(e => e.Key, StringComparer.Ordinal);
        foreach (var (key, fact) in (ReadOnlySpan<(string, string)>)[("ID", FactNames.OsId), ("VERSION_ID", FactNames.OsVersionId), ("PRETTY_NAME", FactNames.OsPrettyName)])
        {
            context.Facts.Add(entries.TryGetValue(key, out var e) ? Fact.Of(fact, e.Value, Path, e.Line) : Fact.Absent(fact, [Path]));
        }
    }
}
