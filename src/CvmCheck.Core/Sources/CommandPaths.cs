namespace CvmCheck.Core.Sources;

/// <summary>Where a command's record lives in a snapshot (DESIGN.md §1a):
/// <c>commands/&lt;argv joined by "_"&gt;.out / .err / .exit</c>.</summary>
public static class CommandPaths
{
    public const string Directory = "commands";

    public static string Stem(IReadOnlyList<string> argv) => Directory + "/" + string.Join('_', argv.Select(Sanitize));

    public static string Stdout(IReadOnlyList<string> argv) => Stem(argv) + ".out";

    public static string Stderr(IReadOnlyList<string> argv) => Stem(argv) + ".err";

    public static string Exit(IReadOnlyList<string> argv) => Stem(argv) + ".exit";

    // A '/' inside an argument would create a directory; keep names flat and portable.
    private static string Sanitize(string arg) => arg.Replace('/', '%');
}
