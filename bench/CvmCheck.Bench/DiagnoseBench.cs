using System.Text;
using BenchmarkDotNet.Attributes;
using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Facts;
using CvmCheck.Core.KernelLog;
using CvmCheck.Policy.Signatures;

namespace CvmCheck.Bench;

/// <summary>
/// The signature matcher over an in-memory kernel log built from the real corpus lines
/// (fixtures/logs/*.log) repeated to about 32 MiB: <c>Dense</c> is the corpus as is (almost every line
/// is an incident line, the worst case), <c>Sparse</c> dilutes it 1:100 with an ordinary boot line, as
/// in a real journal. Stream = block scanner (diagnose --log); Lines = line-by-line API (check).
/// </summary>
[MemoryDiagnoser]
public class DiagnoseBench
{
    private const int TargetBytes = 32 << 20;
    private SignatureSet set = null!;
    private byte[] log = null!;
    private KernelLogLine[] lines = null!;

    [Params("Dense", "Sparse")]
    public string Mix { get; set; } = "Dense";

    [GlobalSetup]
    public void Setup()
    {
        set = BuiltInSignatures.Load();
        var corpus = Directory.GetFiles(BenchPaths.Fixture("logs"), "*.log").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).ToArray();
        var sb = new StringBuilder(TargetBytes + 4096);
        var i = 0;
        while (sb.Length < TargetBytes)
        {
            if (Mix == "Sparse")
            {
                for (var k = 0; k < 100; k++)
                {
                    sb.Append("[    1.234567] pci 0000:00:02.0: reg 0x10: [mem 0xfe000000-0xfe7fffff pref]\n");
                }
            }

            sb.Append(corpus[i++ % corpus.Length]).Append('\n');
        }

        log = Encoding.UTF8.GetBytes(sb.ToString());
        lines = sb.ToString().Split('\n').Select((t, n) => new KernelLogLine("bench", n + 1, t)).ToArray();
    }

    [Benchmark]
    public int Stream() => SignatureMatcher.Match(set, new MemoryStream(log), "bench", new FactSet()).Count;

    [Benchmark]
    public int Lines() => SignatureMatcher.Match(set, lines, new FactSet()).Count;
}
