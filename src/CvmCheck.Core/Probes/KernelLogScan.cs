using System.Globalization;
using System.Text.RegularExpressions;
using CvmCheck.Core.KernelLog;
using CvmCheck.Core.Sources;

namespace CvmCheck.Core.Probes;

/// <summary>
/// The facts-relevant lines of the kernel log, found in one streaming pass: TDX guest markers, the
/// memory-encryption line, TDX module version, SWIOTLB size and "buffer is full" events. A TDX
/// *host* prints <c>virt/tdx:</c> lines; those are recorded as host evidence, never as a guest.
/// </summary>
public sealed partial class KernelLogScan
{
    public string? Artifact { get; private init; }

    public KernelLogLine? TdxGuestLine { get; private set; }

    public KernelLogLine? TdxHostLine { get; private set; }

    public KernelLogLine? MemoryEncryptionLine { get; private set; }

    public string? MemoryEncryptionFeatures { get; private set; }

    public KernelLogLine? TdxModuleLine { get; private set; }

    public string? TdxModuleVersion { get; private set; }

    public KernelLogLine? SwiotlbLine { get; private set; }

    public long? SwiotlbSizeMb { get; private set; }

    public int SwiotlbFullCount { get; private set; }

    public KernelLogLine? FirstSwiotlbFull { get; private set; }

    public static KernelLogScan Run(ISystemSource source)
    {
        var scan = new KernelLogScan { Artifact = KernelLogLocator.Find(source) };
        foreach (var line in KernelLogLocator.ReadLines(source))
        {
            scan.Observe(line);
        }

        return scan;
    }

    private void Observe(KernelLogLine line)
    {
        var text = line.Text;
        if (text.Contains("virt/tdx:", StringComparison.Ordinal))
        {
            TdxHostLine ??= line;
            var host = HostModuleVersion().Match(text);
            if (host.Success && TdxModuleVersion is null)
            {
                TdxModuleVersion = $"{host.Groups["major"].Value}.{host.Groups["minor"].Value}.{host.Groups["build"].Value}";
                TdxModuleLine = line;
            }

            return;
        }

        if (TdxGuestLine is null && (text.Contains("tdx: Guest detected", StringComparison.Ordinal)))
        {
            TdxGuestLine = line;
        }

        var me = MemoryEncryption().Match(text);
        if (me.Success)
        {
            MemoryEncryptionLine ??= line;
            MemoryEncryptionFeatures ??= me.Groups["features"].Value.Trim();
            if (MemoryEncryptionFeatures.Contains("Intel TDX", StringComparison.Ordinal))
            {
                TdxGuestLine ??= line;
            }
        }

        var io = SwiotlbMapped().Match(text);
        if (io.Success && SwiotlbLine is null)
        {
            SwiotlbLine = line;
            SwiotlbSizeMb = long.Parse(io.Groups["mb"].Value, CultureInfo.InvariantCulture);
        }

        if (text.Contains("swiotlb buffer is full", StringComparison.Ordinal))
        {
            SwiotlbFullCount++;
            FirstSwiotlbFull ??= line;
        }
    }

    [GeneratedRegex(@"Memory Encryption Features active:\s*(?<features>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex MemoryEncryption();

    [GeneratedRegex(@"TDX module:.*major_version (?<major>\d+), minor_version (?<minor>\d+).*build_num (?<build>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex HostModuleVersion();

    [GeneratedRegex(@"software IO TLB: mapped \[mem [^\]]*\] \((?<mb>\d+)MB\)", RegexOptions.CultureInvariant)]
    private static partial Regex SwiotlbMapped();
}
