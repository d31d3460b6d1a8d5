using CvmCheck.Core.Sources;
using CvmCheck.Core.Sources.Live;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Live;

/// <summary>A fake machine in a temp directory: a root tree standing for <c>/</c> and a bin directory
/// of shell-script executables standing for the commands on PATH.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class FakeHost : IDisposable
{
    private readonly TempDir dir = new();

    public FakeHost()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Bin);
    }

    public string Root => Path.Combine(dir.Path, "root");

    public string Bin => Path.Combine(dir.Path, "bin");

    public string Scratch => dir.Path;

    public string File(string relative, string content) => dir.Write(Path.Combine("root", relative), content);

    public void Directory_(string relative) => Directory.CreateDirectory(Path.Combine(Root, relative));

    public void Link(string relative, string target)
    {
        var full = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.CreateSymbolicLink(full, target);
    }

    /// <summary>An executable shell script named <paramref name="name"/> in <see cref="Bin"/>.</summary>
    public string Executable(string name, string body)
    {
        var path = dir.Write(Path.Combine("bin", name), "#!/bin/sh\n" + body + "\n");
        System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    /// <summary>Only the fake bin directory is searched: real commands are not found.</summary>
    public LiveSource Source(TimeSpan? timeout = null, string? cpuid = null) => new(new LiveSourceOptions
    {
        Root = Root,
        SearchPath = Bin,
        CommandTimeout = timeout ?? TimeSpan.FromSeconds(5),
        CpuidLeaf21 = () => cpuid,
    });

    public void Dispose() => dir.Dispose();
}

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

/// <summary>A fact about the real <c>/dev/kmsg</c>, skipped where the environment has none.</summary>
public sealed class KmsgFactAttribute : FactAttribute
{
    public KmsgFactAttribute()
    {
        if (!File.Exists("/dev/kmsg"))
        {
            Skip = "no /dev/kmsg in this environment";
        }
    }
}
