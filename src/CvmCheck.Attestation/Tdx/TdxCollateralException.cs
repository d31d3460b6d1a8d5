namespace CvmCheck.Attestation.Tdx;

/// <summary>Collateral that is missing or does not decode (malformed input, exit 2): the message names the file and field.</summary>
public sealed class TdxCollateralException(string message, Exception? inner = null) : FormatException(message, inner);
