using System.Runtime.CompilerServices;
using System.Text;
using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Facts;
using CvmCheck.Core.KernelLog;
using CvmCheck.Formats.KernelLog;
using CvmCheck.Policy.Signatures;

namespace CvmCheck.Fuzz.Targets;

/// <summary>
/// <c>kernel-log</c>: untrusted bytes as a kernel log. The line parser must take any line apart, and both
/// matcher entry points (block scanner over the stream, and line-by-line) must finish without throwing and
/// agree on which signatures fired. Seeds: <c>fixtures/logs/</c>.
/// </summary>
internal static class KernelLogTarget
{
    [ModuleInitializer]
    internal static void Register() => FuzzTargets.Register("kernel-log", Run);

    private static void Run(ReadOnlyMemory<byte> input)
    {
        var set = BuiltInSignatures.Load();
        var fromStream = SignatureMatcher.Match(set, new MemoryStream(input.ToArray()), "fuzz", new FactSet());

        var lines = new List<KernelLogLine>();
        foreach (var (number, raw) in LineReader.Read(new MemoryStream(input.ToArray())))
        {
            _ = KernelLogLineParser.Parse(raw);
            _ = KernelLogLineParser.IsContinuation(raw);
            lines.Add(new KernelLogLine("fuzz", number, raw));
        }

        var fromLines = SignatureMatcher.Match(set, lines, new FactSet());

        // Lone CR line ends and lines over LineReader's cap are split differently by the two readers; only
        // compare when neither occurs.
        var text = Encoding.UTF8.GetString(input.Span);
        if (!text.Contains('\r', StringComparison.Ordinal) && lines.All(l => l.Text.Length < LineReader.MaxLineChars))
        {
            var a = string.Join(",", fromStream.Select(d => d.Id).Order(StringComparer.Ordinal));
            var b = string.Join(",", fromLines.Select(d => d.Id).Order(StringComparer.Ordinal));
            if (a != b)
            {
                throw new InvalidOperationException($"kernel-log: stream found [{a}] but lines found [{b}]");
            }
        }
    }
}
