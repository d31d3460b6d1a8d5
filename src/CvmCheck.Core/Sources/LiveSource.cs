using System.Collections.Concurrent;
using System.Text;
using CvmCheck.Core.Sources.Live;

namespace CvmCheck.Core.Sources;

/// <summary>
/// The running guest as a source (DESIGN.md §1). Snapshot-relative paths map onto the host
/// (<c>proc/cpuinfo</c> → <c>/proc/cpuinfo</c>, under <see cref="LiveSourceOptions.Root"/>), limited to
/// the trees the probes read: <c>proc</c>, <c>sys</c>, <c>dev</c>, <c>boot</c>, <c>etc/modprobe.d</c>
/// and <c>etc/os-release</c>. Three kinds of path are not files:
/// <list type="bullet">
/// <item><c>cpuid/0x21</c> is the CPUID leaf 0x21 vendor string;</item>
/// <item><c>dev/kmsg</c> on the real host is the kernel ring buffer, read without blocking;</item>
/// <item><c>commands/&lt;argv&gt;.out</c> of an allow-listed command is its stdout (the kernel log
/// falls back to <c>dmesg</c>, then <c>journalctl -k -b</c>, through these paths).</item>
/// </list>
/// Files are read to EOF whatever their reported size (sysfs says 4096, procfs 0). A symbolic link
/// under <c>sys</c> (<c>iommu_group</c>, <c>driver</c>) reads as its target. A device node, FIFO or
/// socket reads as empty (present) and is never opened. Each command runs at most once per source.
/// </summary>
public sealed partial class LiveSource : ISystemSource, IArtifactShape
{
    /// <summary>Commands worth starting together before the probes ask for them, so that a slow or
    /// hung <c>nvidia-smi</c> costs one timeout, not one per query.</summary>
    public static readonly IReadOnlyList<string[]> DefaultPrefetch =
    [
        KnownCommands.NvidiaSmiXml, KnownCommands.ConfComputeFeature, KnownCommands.ConfComputeEnvironment,
        KnownCommands.ConfComputeReadyState, KnownCommands.ConfComputeQuery, KnownCommands.PersistencedActive,
    ];

    private static readonly string[] AllowedTrees = ["proc/", "sys/", "dev/", "boot/", "etc/modprobe.d/"];
    private static readonly string[] AllowedPaths = ["etc/os-release", "boot", "etc/modprobe.d", "proc", "sys", "dev"];

    private readonly LiveSourceOptions options;
    private readonly ProcessRunner runner;
    private readonly string root;
    private readonly ConcurrentDictionary<string, Lazy<Task<CommandOutput>>> commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> commandsByStdout;
    private readonly Lazy<string?> cpuid;
    private readonly Lazy<ArtifactRead> kmsg;

    public LiveSource(LiveSourceOptions? options = null)
    {
        this.options = options ?? new LiveSourceOptions();
        runner = new ProcessRunner(this.options);
        root = Path.GetFullPath(this.options.Root);
        commandsByStdout = KnownCommands.All.ToDictionary(CommandPaths.Stdout, a => a, StringComparer.Ordinal);
        cpuid = new Lazy<string?>(this.options.CpuidLeaf21 ?? CpuidReader.Leaf21Vendor);
        kmsg = new Lazy<ArtifactRead>(ReadKmsg);
    }

    public string Description => root == "/" ? "live host" : "live host (root " + root + ")";

    public LiveSourceOptions Options => options;

    /// <summary>Starts these allow-listed commands in the background; later <see cref="RunCommand"/>
    /// calls wait for their results.</summary>
    public void Prefetch(IEnumerable<IReadOnlyList<string>> argvs)
    {
        foreach (var argv in argvs.Where(KnownCommands.IsAllowed))
        {
            _ = commands.GetOrAdd(Key(argv), _ => new Lazy<Task<CommandOutput>>(() => Task.Factory.StartNew(() => Execute(argv), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))).Value;
        }
    }

    public ArtifactRead ReadFile(string path)
    {
        if (path == TdxCpuid)
        {
            return cpuid.Value is { } vendor ? ArtifactRead.Found(path, Encoding.Latin1.GetBytes(vendor)) : ArtifactRead.Missing(path);
        }

        if (commandsByStdout.TryGetValue(path, out var argv))
        {
            var output = RunCommand(argv);
            return output.Succeeded ? ArtifactRead.Found(path, output.Stdout) : ArtifactRead.Missing(path);
        }

        if (path == KmsgPath && IsRealHost)
        {
            return kmsg.Value;
        }

        var full = Map(path, out var refusal);
        if (full is null)
        {
            return ArtifactRead.Failed(path, refusal!);
        }

        var read = ReadHostFile(path, full);
        if (read.Status == ArtifactStatus.Unreadable)
        {
            LogUnreadable(options.Logger, path, read.Reason!);
        }

        return read;
    }

    public Stream? OpenRead(string path, out ArtifactRead status)
    {
        status = ReadFile(path);
        return status.Ok ? new MemoryStream(status.Bytes, writable: false) : null;
    }

    public bool Exists(string path)
    {
        if (path == TdxCpuid)
        {
            return cpuid.Value is not null;
        }

        if (commandsByStdout.TryGetValue(path, out var argv))
        {
            var output = RunCommand(argv);
            return output.Succeeded && output.Stdout.Length > 0;
        }

        if (path == KmsgPath && IsRealHost)
        {
            return kmsg.Value.Ok;
        }

        var full = Map(path, out _);
        return full is not null && (File.Exists(full) || Directory.Exists(full));
    }

    public bool IsDirectory(string path) => Map(path, out _) is { } full && Directory.Exists(full);

    public IReadOnlyList<string> ListDirectory(string path)
    {
        var full = Map(path, out _);
        if (full is null || !Directory.Exists(full))
        {
            return [];
        }

        try
        {
            return Directory.EnumerateFileSystemEntries(full)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public CommandOutput RunCommand(IReadOnlyList<string> argv)
    {
        if (!KnownCommands.IsAllowed(argv))
        {
            return new CommandOutput(argv, CommandStatus.Failed, null, [], [], "not on the command allow-list");
        }

        return commands.GetOrAdd(Key(argv), _ => new Lazy<Task<CommandOutput>>(() => Task.FromResult(Execute(argv)))).Value.GetAwaiter().GetResult();
    }

    private const string TdxCpuid = "cpuid/0x21";
    private const string KmsgPath = "dev/kmsg";

    private static string Key(IReadOnlyList<string> argv) => string.Join('\0', argv);

    private CommandOutput Execute(IReadOnlyList<string> argv)
    {
        var observer = options.Observer;
        observer?.Started(argv);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var output = runner.Run(argv);
        observer?.Finished(argv, output, started.Elapsed);
        return output;
    }

    /// <summary>The host path for a snapshot-relative one, or null when it leaves the read list.</summary>
    private string? Map(string path, out string? refusal)
    {
        refusal = null;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is ".." or "."))
        {
            refusal = "path refused";
            return null;
        }

        var normal = string.Join('/', parts);
        if (!AllowedPaths.Contains(normal, StringComparer.Ordinal) && !AllowedTrees.Any(t => normal.StartsWith(t, StringComparison.Ordinal)))
        {
            refusal = "not on the live read list";
            return null;
        }

        return Path.Combine(root, normal);
    }

    /// <summary>On the real host (root <c>/</c>) <c>dev/kmsg</c> is the kernel's record device and
    /// <c>dev/*</c> are device nodes; in a fake tree they are plain files.</summary>
    private bool IsRealHost => root == "/";

    private ArtifactRead ReadKmsg()
    {
        var full = Path.Combine(root, KmsgPath);
        byte[]? bytes;
        string? error;
        try
        {
            bytes = KmsgReader.ReadAll(full, ArtifactRead.MaxBytes, out error);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without these entry points (not glibc or musl): fall back to dmesg/journalctl.
            return ArtifactRead.Failed(KmsgPath, "cannot call libc: " + e.Message);
        }

        if (bytes is null)
        {
            // dmesg_restrict=1 without CAP_SYSLOG gives EPERM: the kernel log then comes from dmesg or journalctl.
            LogUnreadable(options.Logger, KmsgPath, error ?? "could not read");
            return error == "no such file" ? ArtifactRead.Missing(KmsgPath) : ArtifactRead.Failed(KmsgPath, error ?? "could not read");
        }

        return ArtifactRead.Found(KmsgPath, bytes);
    }

    private ArtifactRead ReadHostFile(string path, string full)
    {
        try
        {
            var info = new FileInfo(full);
            if (path.StartsWith("sys/", StringComparison.Ordinal) && info.LinkTarget is { } target)
            {
                return ArtifactRead.Found(path, Encoding.UTF8.GetBytes(target)) with { IsLink = true };
            }

            if (!info.Exists)
            {
                return Directory.Exists(full) ? ArtifactRead.Failed(path, "is a directory") : ArtifactRead.Missing(path);
            }

            if (IsRealHost && path.StartsWith("dev/", StringComparison.Ordinal))
            {
                // A device node (dev/tdx_guest): present is all there is to know; reading it could block.
                return ArtifactRead.Found(path, []);
            }

            return ArtifactRead.Found(path, ReadToEnd(full, ArtifactRead.MaxBytes));
        }
        catch (UnauthorizedAccessException)
        {
            return ArtifactRead.Failed(path, "permission denied");
        }
        catch (FileNotFoundException)
        {
            return ArtifactRead.Missing(path);
        }
        catch (DirectoryNotFoundException)
        {
            return ArtifactRead.Missing(path);
        }
        catch (IOException e)
        {
            return ArtifactRead.Failed(path, e.Message);
        }
    }

    /// <summary>Reads until EOF: sysfs reports 4096 and procfs 0 as the size of every file.</summary>
    private static byte[] ReadToEnd(string full, int max)
    {
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        using var bytes = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while (bytes.Length < max && (n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, max - bytes.Length))) > 0)
        {
            bytes.Write(buffer, 0, n);
        }

        return bytes.ToArray();
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "{Path}: {Reason}")]
    private static partial void LogUnreadable(Microsoft.Extensions.Logging.ILogger logger, string path, string reason);
}
