namespace CvmCheck.Core.Facts;

/// <summary>The one vocabulary for why a fact has no value (DESIGN.md §1a).</summary>
public static class FactReasons
{
    public const string Absent = "absent";
    public const string Timeout = "timeout";
    public const string NotFound = "not-found";

    public static string Unreadable(string detail) => "unreadable: " + detail;

    public static string Unparseable(string detail) => "unparseable: " + detail;

    public static string Exit(int code) => "exit " + code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
