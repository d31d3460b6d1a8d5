using CvmCheck.Core.Sources;

namespace CvmCheck.Cli.Tests;

/// <summary>A fact that cannot hold for root (root reads mode-000 files), skipped with that reason.</summary>
public sealed class NotAsRootFactAttribute : FactAttribute
{
    public NotAsRootFactAttribute()
    {
        if (Environment.UserName == "root")
        {
            Skip = "running as root, which reads mode-000 files: permission denied cannot be produced; run the tests as a normal user";
        }
    }
}

/// <summary>A fact about a development machine: no TDX guest device and no nvidia-smi. Skipped on a
/// real CVM or GPU host, where the live findings are different by design.</summary>
public sealed class DevelopmentHostFactAttribute : FactAttribute
{
    public DevelopmentHostFactAttribute()
    {
        if (File.Exists("/dev/tdx_guest") || ProcessRunner.Resolve("nvidia-smi", Environment.GetEnvironmentVariable("PATH") ?? string.Empty) is not null)
        {
            Skip = "this host is a TDX guest or has nvidia-smi; the specification is about a host with neither";
        }
    }
}
