namespace CvmCheck.Attestation.Tdx;

/// <summary>
/// TCB level status as Intel spells it in TCB Info v3 / QE Identity v2 (Intel PCS API v4, "tcbStatus"),
/// plus <see cref="NoMatchingTcbLevel"/> when no level of the TCB Info matches the platform
/// (Intel QVL: STATUS_TCB_NOT_SUPPORTED). Ordered from worst to best, so the converged status is the minimum
/// in the sense Intel's convergence rules define (see <see cref="TcbEvaluator"/>).
/// </summary>
public enum TcbStatus
{
    NoMatchingTcbLevel = 0,
    Revoked,
    OutOfDateConfigurationNeeded,
    OutOfDate,
    ConfigurationAndSWHardeningNeeded,
    ConfigurationNeeded,
    SWHardeningNeeded,
    UpToDate,
}

public static class TcbStatusNames
{
    public static bool TryParse(string? value, out TcbStatus status)
    {
        switch (value)
        {
            case "UpToDate": status = TcbStatus.UpToDate; return true;
            case "SWHardeningNeeded": status = TcbStatus.SWHardeningNeeded; return true;
            case "ConfigurationNeeded": status = TcbStatus.ConfigurationNeeded; return true;
            case "ConfigurationAndSWHardeningNeeded": status = TcbStatus.ConfigurationAndSWHardeningNeeded; return true;
            case "OutOfDate": status = TcbStatus.OutOfDate; return true;
            case "OutOfDateConfigurationNeeded": status = TcbStatus.OutOfDateConfigurationNeeded; return true;
            case "Revoked": status = TcbStatus.Revoked; return true;
            default: status = TcbStatus.NoMatchingTcbLevel; return false;
        }
    }

    /// <summary>Intel's spelling (the enum names are Intel's spelling).</summary>
    public static string ToIntelString(this TcbStatus status) => status switch
    {
        TcbStatus.UpToDate => "UpToDate",
        TcbStatus.SWHardeningNeeded => "SWHardeningNeeded",
        TcbStatus.ConfigurationNeeded => "ConfigurationNeeded",
        TcbStatus.ConfigurationAndSWHardeningNeeded => "ConfigurationAndSWHardeningNeeded",
        TcbStatus.OutOfDate => "OutOfDate",
        TcbStatus.OutOfDateConfigurationNeeded => "OutOfDateConfigurationNeeded",
        TcbStatus.Revoked => "Revoked",
        _ => "NoMatchingTcbLevel",
    };
}
