using System.Diagnostics;
using System.Text.Json;
using CvmCheck.Core.Sources.Live;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary>Runs <c>cvmcheck</c> in process against the live source, optionally pointed at a fake root
/// and fake executables (shell scripts in a temp bin directory put first on the search path).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class LiveFakes : IDisposable
{
    private readonly TempDir dir = new();

    public LiveFakes()
    {
        Directory.CreateDirectory(Bin);
    }

    public string Bin => Path.Combine(dir.Path, "bin");

    public string Temp => dir.Path;

    /// <summary>A fake root for <c>/</c>; null means the real host.</summary>
    public string? Root { get; set; }

    /// <summary>When false, only <see cref="Bin"/> is searched (no real command is found).</summary>
    public bool RealPathToo { get; set; } = true;

    public string RootFile(string relative, string content)
    {
        Root ??= Path.Combine(dir.Path, "root");
        return dir.Write(Path.Combine("root", relative), content);
    }

    public void Executable(string name, string body)
    {
        var path = dir.Write(Path.Combine("bin", name), "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public Result Run(params string[] args)
    {
        LiveHost.Configure.Value = o => o with
        {
            Root = Root ?? o.Root,
            SearchPath = RealPathToo ? Bin + ":" + Environment.GetEnvironmentVariable("PATH") : Bin,
            CpuidLeaf21 = Root is null ? o.CpuidLeaf21 : () => null,
        };
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var clock = Stopwatch.StartNew();
            var code = CliApp.Run(args, stdout, stderr);
            return new Result(code, stdout.ToString(), stderr.ToString(), clock.Elapsed);
        }
        finally
        {
            LiveHost.Configure.Value = null;
        }
    }

    public void Dispose() => dir.Dispose();

    internal sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

        public JsonElement Fact(string name) => Json.GetProperty("facts").GetProperty(name);

        public string? Status(string rule) =>
            Json.GetProperty("findings").EnumerateArray().FirstOrDefault(f => f.GetProperty("id").GetString() == rule) is { ValueKind: JsonValueKind.Object } f
                ? f.GetProperty("status").GetString()
                : null;
    }
}
