namespace CvmCheck.Core.Rules;

/// <summary>Where a policy element was written (1-based line and column), for errors and SARIF.</summary>
public sealed record SourcePosition(string File, int Line, int Column)
{
    public static readonly SourcePosition None = new("<built-in>", 0, 0);

    public override string ToString() => $"{File}:{Line}:{Column}";
}
