namespace CvmCheck.Cli;

/// <summary>Exit codes of every verb (DESIGN.md §3, contract).</summary>
public static class ExitCodes
{
    /// <summary>Verdict pass or warn (warn is 1 with --strict); collect wrote its output; lint clean.</summary>
    public const int Ok = 0;

    /// <summary>Verdict fail or error: something is wrong or could not be established.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage or bad input (unreadable policy, malformed quote, not a bundle).</summary>
    public const int BadInput = 2;

    /// <summary>cvmcheck itself failed (a bug).</summary>
    public const int InternalError = 3;
}
