using System.Runtime.InteropServices;

namespace CvmCheck.Core.Sources.Live;

/// <summary>
/// Reads the kernel ring buffer from <c>/dev/kmsg</c> without blocking: opened with O_NONBLOCK, each
/// read(2) returns one record ("prio,seq,usec,flags;text\n" plus continuation lines), and EAGAIN
/// means everything present has been read (Documentation/ABI/testing/dev-kmsg). EPIPE means records
/// were overwritten while reading; reading simply goes on with the next one.
/// </summary>
internal static partial class KmsgReader
{
    private const int ONonBlock = 0x800; // O_NONBLOCK on x86-64 and arm64 Linux
    private const int OCloexec = 0x80000;
    private const int EAgain = 11;
    private const int EPipe = 32;
    private const int EIntr = 4;
    private const int RecordBuffer = 16 * 1024; // a record is at most ~8 KiB (PRINTK_MESSAGE_MAX)

    /// <summary>The records present now, or null with the errno text when /dev/kmsg cannot be read.</summary>
    public static unsafe byte[]? ReadAll(string path, int maxBytes, out string? error)
    {
        error = null;
        var fd = Open(path, ONonBlock | OCloexec);
        if (fd < 0)
        {
            error = Describe(Marshal.GetLastPInvokeError());
            return null;
        }

        try
        {
            using var all = new MemoryStream();
            var buffer = new byte[RecordBuffer];
            while (all.Length < maxBytes)
            {
                nint n;
                fixed (byte* p = buffer)
                {
                    n = Read(fd, p, buffer.Length);
                }

                if (n > 0)
                {
                    all.Write(buffer, 0, (int)n);
                    continue;
                }

                if (n == 0)
                {
                    break;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno is EPipe or EIntr)
                {
                    continue;
                }

                if (errno != EAgain)
                {
                    error = Describe(errno);
                    if (all.Length == 0)
                    {
                        return null;
                    }
                }

                break;
            }

            return all.ToArray();
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static string Describe(int errno) => errno switch
    {
        1 or 13 => "permission denied",
        2 => "no such file",
        _ => Marshal.GetPInvokeErrorMessage(errno).ToLowerInvariant(),
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
