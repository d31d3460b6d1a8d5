using CvmCheck.Formats.Linux;

namespace CvmCheck.Formats.Tests.Linux;

public sealed class LinuxFormatsTests
{
    [Theory]
    [InlineData("0-15", 16)]
    [InlineData("0", 1)]
    [InlineData("0-3,5,7-8", 7)]
    [InlineData("", 0)]
    public void Cpu_lists_count_every_cpu(string list, int count)
    {
        Assert.True(CpuList.TryCount(list, out var n));
        Assert.Equal(count, n);
    }

    [Theory]
    [InlineData("3-1")]
    [InlineData("a-b")]
    [InlineData("0,,")]
    public void Bad_cpu_lists_are_rejected(string list) => Assert.False(CpuList.TryCount(list, out _));

    [Fact]
    public void Host_cpuinfo_flags_excerpt_shows_the_host_platform_flag_not_the_guest_flag()
    {
        var text = File.ReadAllText(Captures.Path("tdx-guest", "dstack-103_HOST-cpuinfo-flags-excerpt.txt"));
        // The capture is the flags value alone, as posted; put it back on its cpuinfo line.
        var info = CpuInfo.Parse("processor\t: 0\nflags\t\t: " + text);
        Assert.Contains("tdx_host_platform", info.Flags);
        Assert.DoesNotContain("tdx_guest", info.Flags);
    }

    [Fact]
    public void Kernel_config_reads_y_m_n_and_strings()
    {
        const string config = "CONFIG_EFI=y\n# CONFIG_EFI_STUB is not set\nCONFIG_VFIO_PCI=m\nCONFIG_LOCALVERSION=\"-intel\"\n# comment\n";
        var entries = KeyValueFile.ParseKernelConfig(config).ToDictionary(e => e.Key, e => (e.Value, e.Line));
        Assert.Equal(("y", 1), entries["CONFIG_EFI"]);
        Assert.Equal(("n", 2), entries["CONFIG_EFI_STUB"]);
        Assert.Equal(("m", 3), entries["CONFIG_VFIO_PCI"]);
        Assert.Equal(("-intel", 4), entries["CONFIG_LOCALVERSION"]);
    }

    [Fact]
    public void Os_release_values_are_unquoted()
    {
        var e = KeyValueFile.ParseOsRelease("NAME=\"Ubuntu\"\nVERSION_ID='24.04'\nID=ubuntu\nbroken line\n").ToDictionary(x => x.Key, x => x.Value);
        Assert.Equal("Ubuntu", e["NAME"]);
        Assert.Equal("24.04", e["VERSION_ID"]);
        Assert.Equal("ubuntu", e["ID"]);
        Assert.Equal(3, e.Count);
    }

    [Fact]
    public void Nvidia_params_are_colon_separated()
    {
        var e = KeyValueFile.ParseColonSeparated("ResmanDebugLevel: 4294967295\nEnableS0ixPowerManagement: 1\nRegistryDwords: \"\"\n");
        Assert.Equal("1", e.Single(x => x.Key == "EnableS0ixPowerManagement").Value);
        Assert.Equal(2, e.Single(x => x.Key == "EnableS0ixPowerManagement").Line);
    }

    [Fact]
    public void Modprobe_options_with_continuations_and_comments()
    {
        const string conf = "# power management\noptions nvidia NVreg_EnableS0ixPowerManagement=1 \\\n  NVreg_PreserveVideoMemoryAllocations=1 # keep VRAM\nblacklist nouveau\noptions nouveau modeset=0\n";
        var options = ModprobeConf.Parse(conf);
        Assert.Equal(3, options.Count);
        Assert.Equal(new ModprobeConf.Option("nvidia", "NVreg_EnableS0ixPowerManagement", "1", 2), options[0]);
        Assert.Equal(new ModprobeConf.Option("nvidia", "NVreg_PreserveVideoMemoryAllocations", "1", 2), options[1]);
        Assert.Equal("nouveau", options[2].Module);
    }
}
