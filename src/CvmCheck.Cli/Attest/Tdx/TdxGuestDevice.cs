using System.Runtime.InteropServices;

namespace CvmCheck.Cli.Attest.Tdx;

/// <summary>Source of a 1024-byte TDREPORT for 64 bytes of REPORTDATA (a seam for tests).</summary>
internal interface ITdReportSource
{
    bool IsAvailable { get; }

    byte[] GetTdReport(byte[] reportData);
}

/// <summary>
/// TDREPORT through /dev/tdx_guest (Linux include/uapi/linux/tdx-guest.h): ioctl TDX_CMD_GET_REPORT0 =
/// _IOWR('T', 1, struct tdx_report_req) = 0xC4405401, where tdx_report_req is
/// { __u8 reportdata[64]; __u8 tdreport[1024]; }. Used when configfs-tsm is not available. A TDREPORT
/// is MACed for this platform only: it gives measurements, not verifiable evidence.
/// </summary>
internal sealed partial class TdxGuestDevice(string path = TdxGuestDevice.DefaultPath) : ITdReportSource
{
    public const string DefaultPath = "/dev/tdx_guest";
    public const uint TdxCmdGetReport0 = 0xC4405401;
    private const int ReportDataLength = 64;
    private const int TdReportLength = 1024;

    public bool IsAvailable => File.Exists(path);

    public byte[] GetTdReport(byte[] reportData)
    {
        if (reportData.Length != ReportDataLength)
        {
            throw new ArgumentException("REPORTDATA must be 64 bytes", nameof(reportData));
        }

        var request = new byte[ReportDataLength + TdReportLength];
        reportData.CopyTo(request, 0);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            var fd = (int)handle.DangerousGetHandle();
            if (Ioctl(fd, TdxCmdGetReport0, request) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new UserInputException($"{path}: ioctl TDX_CMD_GET_REPORT0 failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot open ({e.Message}); run as root?");
        }

        return request[ReportDataLength..];
    }

    // Blittable arguments only (int, nuint, pinned byte[]), so the call needs no runtime marshalling and is AOT-safe.
    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks in the CLI project, which this verb does not own
    private static extern int Ioctl(int fd, nuint request, byte[] argument);
#pragma warning restore SYSLIB1054
}
