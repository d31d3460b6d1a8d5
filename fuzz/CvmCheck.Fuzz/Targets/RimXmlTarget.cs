using System.Runtime.CompilerServices;
using System.Xml;
using CvmCheck.Attestation.Rim;

namespace CvmCheck.Fuzz.Targets;

/// <summary>
/// <c>rim-xml</c>: untrusted bytes as a RIM: parse, canonicalise, verify the enveloped XMLDSig and the
/// chain. <see cref="RimVerifier.Verify(string, byte[], DateTimeOffset)"/> reports bad input as a
/// malformed result and must not throw; parse and canonicalisation may only throw
/// <see cref="FormatException"/> or <see cref="XmlException"/>.
/// </summary>
internal static class RimXmlTarget
{
    private static readonly DateTimeOffset At = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [ModuleInitializer]
    internal static void Register() => FuzzTargets.Register("rim-xml", Run);

    private static void Run(ReadOnlyMemory<byte> input)
    {
        var bytes = input.ToArray();
        _ = RimVerifier.Verify("fuzz", bytes, At);
        try
        {
            var document = XmlSignatureVerifier.Load(bytes);
            foreach (var method in new[] { C14NMethod.Inclusive10, C14NMethod.Inclusive11, C14NMethod.Exclusive })
            {
                _ = XmlCanonicalizer.Canonicalize(document, method, withComments: true);
            }
        }
        catch (Exception e) when (e is FormatException or XmlException)
        {
            // the documented failures
        }
    }
}
