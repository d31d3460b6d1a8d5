using System.Runtime.CompilerServices;
using CvmCheck.Formats.Spdm;

namespace CvmCheck.Fuzz.Targets;

/// <summary>
/// <c>spdm-report</c>: untrusted bytes through the report-file decoder and the SPDM parser. TryParse
/// must never throw; the throwing Parse may only throw <see cref="SpdmFormatException"/>. Every parsed
/// report's decoded opaque views are read too, so their accessors are exercised.
/// </summary>
internal static class SpdmReportTarget
{
    [ModuleInitializer]
    internal static void Register() => FuzzTargets.Register("spdm-report", Run);

    private static void Run(ReadOnlyMemory<byte> input)
    {
        var bytes = SpdmReportFile.Decode(input.Span);
        if (SpdmMeasurementReport.TryParse(bytes, out var report, out _))
        {
            var opaque = report.OpaqueData;
            _ = (opaque.DriverVersion, opaque.VbiosVersion, opaque.SkuTriple, opaque.Fwid, opaque.SwitchPdis, opaque.MeasurementCounts, opaque.ProtectedPcieEnabled);
            _ = report.Blocks.Sum(b => b.RimIndex);
        }

        try
        {
            _ = SpdmMeasurementReport.Parse(bytes);
        }
        catch (SpdmFormatException)
        {
            // the documented failure
        }
    }
}
