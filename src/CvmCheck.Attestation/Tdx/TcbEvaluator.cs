using CvmCheck.Formats.Tdx;

namespace CvmCheck.Attestation.Tdx;

/// <summary>The TCB status decision and how it was reached.</summary>
public sealed record TcbEvaluation(
    TcbStatus Final,
    TcbLevel? PlatformLevel,
    string? ModuleId,
    TcbStatus? ModuleStatus,
    IReadOnlyList<string> AdvisoryIds,
    IReadOnlyList<TdxIssue> ModuleIssues);

/// <summary>
/// Intel's TCB level matching for TDX (Intel TDX DCAP Quote Verification Library, TCB Info v3 rules;
/// Intel PCS API v4 "TCB Info V3"):
/// <list type="number">
/// <item>walk tcbLevels in order and take the first level where every one of the 16 SGX component SVNs
/// and the PCESVN of the PCK certificate are ≥ the level's, and TEE_TCB_SVN[i] ≥ tdxtcbcomponents[i];</item>
/// <item>when the quote is v4+ and TEE_TCB_SVN[1] (TDX module major version) &gt; 0 and the TCB Info has
/// tdxModuleIdentities, bytes 0 and 1 are not compared there: the module is graded by the identity
/// "TDX_%02X" of byte 1 (first level with isvsvn ≤ TEE_TCB_SVN[0]). Peers that compare all 16 bytes
/// (e.g. dcap-qvl) grade such platforms one level too low;</item>
/// <item>converge: a module or QE status of OutOfDate turns UpToDate/SWHardeningNeeded into OutOfDate and
/// Configuration* into OutOfDateConfigurationNeeded; Revoked wins.</item>
/// </list>
/// </summary>
public static class TcbEvaluator
{
    public static TcbEvaluation Evaluate(TcbInfo info, PckExtensions pck, TdReportBody body, int quoteVersion, TcbStatus? qeStatus, IReadOnlyList<string> qeAdvisories)
    {
        var svn = body.TeeTcbSvn;
        var moduleIssues = new List<TdxIssue>();
        var gradeModuleByIdentity = quoteVersion > 3 && svn[1] > 0 && info.TdxModuleIdentities.Count > 0;
        var firstTdxComponent = gradeModuleByIdentity ? 2 : 0;

        // Module signer and attributes: the identity for this major version, or the base "tdxModule".
        string? moduleId = null;
        TcbStatus? moduleStatus = null;
        var advisories = new List<string>();
        var moduleUnknown = false;
        if (gradeModuleByIdentity)
        {
            moduleId = $"TDX_{svn[1]:X2}";
            var identity = info.TdxModuleIdentities.FirstOrDefault(m => string.Equals(m.Id, moduleId, StringComparison.OrdinalIgnoreCase));
            if (identity is null)
            {
                moduleIssues.Add(new(TdxIssueCode.TdxModuleIdentityNotFound, $"TCB Info has no tdxModuleIdentities entry {moduleId}"));
                moduleUnknown = true;
            }
            else
            {
                CheckModule(identity, body, moduleIssues);
                var level = identity.Levels.FirstOrDefault(l => l.IsvSvn <= svn[0]);
                if (level is null)
                {
                    moduleIssues.Add(new(TdxIssueCode.TdxModuleIdentityNotFound, $"{moduleId}: no TCB level for module SVN {svn[0]}"));
                    moduleUnknown = true;
                }
                else
                {
                    moduleStatus = level.Status;
                    advisories.AddRange(level.AdvisoryIds);
                }
            }
        }
        else if (info.TdxModule is { } baseModule)
        {
            moduleId = "tdxModule";
            CheckModule(baseModule, body, moduleIssues);
        }

        TcbLevel? match = null;
        foreach (var level in info.TcbLevels)
        {
            if (Meets(pck, svn, level, firstTdxComponent))
            {
                match = level;
                break;
            }
        }

        if (match is null || moduleUnknown)
        {
            return new TcbEvaluation(TcbStatus.NoMatchingTcbLevel, match, moduleId, moduleStatus, Dedup(advisories), moduleIssues);
        }

        var final = match.Status;
        if (moduleStatus is { } ms)
        {
            final = Converge(final, ms);
        }

        if (qeStatus is { } qs)
        {
            final = Converge(final, qs);
            advisories.AddRange(qeAdvisories);
        }

        advisories.InsertRange(0, match.AdvisoryIds);
        return new TcbEvaluation(final, match, moduleId, moduleStatus, Dedup(advisories), moduleIssues);
    }

    /// <summary>Folds a module or QE status into the platform status (Intel QVL convergence).</summary>
    public static TcbStatus Converge(TcbStatus platform, TcbStatus other) => other switch
    {
        TcbStatus.Revoked => platform == TcbStatus.NoMatchingTcbLevel ? platform : TcbStatus.Revoked,
        TcbStatus.OutOfDate or TcbStatus.OutOfDateConfigurationNeeded or TcbStatus.NoMatchingTcbLevel => platform switch
        {
            TcbStatus.UpToDate or TcbStatus.SWHardeningNeeded => TcbStatus.OutOfDate,
            TcbStatus.ConfigurationNeeded or TcbStatus.ConfigurationAndSWHardeningNeeded => TcbStatus.OutOfDateConfigurationNeeded,
            _ => platform,
        },
        _ => platform,
    };

    private static bool Meets(PckExtensions pck, byte[] teeTcbSvn, TcbLevel level, int firstTdxComponent)
    {
        for (var i = 0; i < PckExtensions.SgxTcbComponentCount; i++)
        {
            if (pck.SgxTcbComponents[i] < level.SgxComponents[i])
            {
                return false;
            }
        }

        if (pck.PceSvn < level.PceSvn)
        {
            return false;
        }

        for (var i = firstTdxComponent; i < teeTcbSvn.Length; i++)
        {
            if (teeTcbSvn[i] < level.TdxComponents[i])
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckModule(TdxModuleIdentity identity, TdReportBody body, List<TdxIssue> issues)
    {
        if (!identity.MrSigner.AsSpan().SequenceEqual(body.MrSignerSeam))
        {
            issues.Add(new(TdxIssueCode.TdxModuleMismatch, $"{identity.Id}: MRSIGNERSEAM {Convert.ToHexStringLower(body.MrSignerSeam)} is not {Convert.ToHexStringLower(identity.MrSigner)}"));
        }

        for (var i = 0; i < identity.Attributes.Length; i++)
        {
            if ((body.SeamAttributes[i] & identity.AttributesMask[i]) != identity.Attributes[i])
            {
                issues.Add(new(TdxIssueCode.TdxModuleMismatch, $"{identity.Id}: SEAMATTRIBUTES {Convert.ToHexStringLower(body.SeamAttributes)} masked with {Convert.ToHexStringLower(identity.AttributesMask)} is not {Convert.ToHexStringLower(identity.Attributes)}"));
                break;
            }
        }
    }

    private static string[] Dedup(List<string> ids) => ids.Distinct(StringComparer.Ordinal).ToArray();
}
