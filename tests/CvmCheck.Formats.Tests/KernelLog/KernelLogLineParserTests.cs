using CvmCheck.Formats.KernelLog;

namespace CvmCheck.Formats.Tests.KernelLog;

/// <summary>Every format below is a real line from the shared corpus or vectors unless marked synthetic.</summary>
public sealed class KernelLogLineParserTests
{
    [Theory]
    [InlineData("[  274.462399] NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x62:0x65:1792)", KernelLogFormat.Dmesg, 274.462399)]
    [InlineData("[    0.000000] [    T0] tdx: Guest detected", KernelLogFormat.Dmesg, 0.0)]
    [InlineData("6,1234,274462399,-;NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x62:0x65:1792)", KernelLogFormat.Kmsg, 274.462399)]
    public void Boot_relative_timestamps_are_read(string line, KernelLogFormat format, double seconds)
    {
        var parsed = KernelLogLineParser.Parse(line);
        Assert.Equal(format, parsed.Format);
        Assert.Equal(seconds, parsed.Seconds!.Value, 6);
    }

    [Theory]
    [InlineData("[Fri Mar  3 04:44:24 2023] NVRM: Xid (PCI:0000:61:00): 119, pid=1365232", KernelLogFormat.DmesgCtime, "NVRM: Xid (PCI:0000:61:00): 119, pid=1365232")]
    [InlineData("[Feb22 04:01] CPU5: Core temperature above threshold", KernelLogFormat.DmesgHuman, "CPU5: Core temperature above threshold")]
    [InlineData("[  +0.000001] CPU1: Core temperature above threshold", KernelLogFormat.DmesgHuman, "CPU1: Core temperature above threshold")]
    [InlineData("Aug 26 14:08:07 nyasara-linux kernel: NVRM: API mismatch", KernelLogFormat.Syslog, "NVRM: API mismatch")]
    [InlineData("ott 25 09:07:35 SUSNEPO kernel: WARNING: CPU: 2 PID: 26420", KernelLogFormat.Syslog, "WARNING: CPU: 2 PID: 26420")]
    [InlineData("Dec  2 11:38:27 worker4 kernel: [  199.234935] NVRM: GPU 0000:0a:00.0: rm_init_adapter failed", KernelLogFormat.Syslog, "NVRM: GPU 0000:0a:00.0: rm_init_adapter failed")]
    [InlineData("Apr 18 00:48:59 10.211.164.42 [36302.716121] mlx5_core 0000:18:00.1: wait_func", KernelLogFormat.Syslog, "mlx5_core 0000:18:00.1: wait_func")]
    [InlineData("2025-08-16T00:03:03.988243-04:00 localhost kernel: nvidia-nvlink: Nvlink Core", KernelLogFormat.SyslogIso, "nvidia-nvlink: Nvlink Core")]
    [InlineData("2025-08-16T00:03:04.070671-04:00 localhost (udev-worker)[106246]: nvidia: Process", KernelLogFormat.SyslogIso, "nvidia: Process")]
    [InlineData("No devices were found", KernelLogFormat.Plain, "No devices were found")]
    public void Prefixes_are_removed_from_the_message(string line, KernelLogFormat format, string message)
    {
        var parsed = KernelLogLineParser.Parse(line);
        Assert.Equal(format, parsed.Format);
        Assert.Equal(message, parsed.Message);
    }

    [Fact]
    public void Journal_json_lines_give_message_and_realtime_timestamp()
    {
        // Synthetic, in journalctl -o json's documented field names.
        var parsed = KernelLogLineParser.Parse("""{"__REALTIME_TIMESTAMP":"1700000000123456","_TRANSPORT":"kernel","MESSAGE":"NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x62:0x65:1792)"}""");
        Assert.Equal(KernelLogFormat.JournalJson, parsed.Format);
        Assert.Equal("NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x62:0x65:1792)", parsed.Message);
        Assert.Equal(1700000000.123456, parsed.Seconds!.Value, 5);
        var bytes = KernelLogLineParser.Parse("""{"MESSAGE":[78,86,82,77,58,32,111,107]}""");
        Assert.Equal("NVRM: ok", bytes.Message);
    }

    [Fact]
    public void Syslog_escaped_newlines_are_joined_into_one_message()
    {
        var parsed = KernelLogLineParser.Parse("Jun 30 11:07:05 gpu-0 kernel: NVRM: API mismatch: the client has the version 535.54.03, but#012NVRM: this kernel module has the version 530.30.02.  Please");
        Assert.Equal("NVRM: API mismatch: the client has the version 535.54.03, but this kernel module has the version 530.30.02.  Please", parsed.Message);
    }

    [Theory]
    [InlineData("               NVRM: BAR0 is 0M @ 0x0 (PCI:0000:08:00.0)", true)]
    [InlineData(" SUBSYSTEM=pci", true)]
    [InlineData("[   72.161022] NVRM: This PCI I/O region assigned to your NVIDIA device is invalid:", false)]
    [InlineData("   [  273.44] pasted but complete", false)]
    [InlineData("total 524288 (slots), used 523564 (slots)", false)]
    [InlineData("", false)]
    public void Continuation_lines_are_indented_and_carry_no_timestamp(string line, bool continuation)
    {
        Assert.Equal(continuation, KernelLogLineParser.IsContinuation(line));
    }

    [Fact]
    public void Continuation_text_drops_the_repeated_facility_prefix()
    {
        Assert.Equal("BAR0 is 0M @ 0x0 (PCI:0000:08:00.0)", KernelLogLineParser.ContinuationText("               NVRM: BAR0 is 0M @ 0x0 (PCI:0000:08:00.0)"));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"MESSAGE\":")]
    [InlineData("[")]
    [InlineData("[]")]
    [InlineData("1,2,3;")]
    [InlineData("Jan 99 99:99:99")]
    [InlineData("\0\0\0")]
    public void Odd_lines_never_throw(string line)
    {
        var parsed = KernelLogLineParser.Parse(line);
        Assert.NotNull(parsed.Message);
    }
}
