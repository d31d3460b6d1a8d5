using System.Security.Cryptography;
using System.Text.Json;

namespace CvmCheck.Attestation.Tdx;

/// <summary>
/// Intel PCS signed JSON (`{"tcbInfo":{…},"signature":"hex"}`, `{"enclaveIdentity":{…},…}`): the
/// signature is ECDSA P-256/SHA-256, raw r‖s, over the exact bytes of the body value as they appear
/// in the file (Intel PCS API v4, "TCB Info" and "Enclave Identity" responses). Re-serialising the
/// object would change the bytes, so the value's span is cut out of the file with the reader.
/// </summary>
public sealed class SignedJson
{
    private SignedJson(ReadOnlyMemory<byte> body, byte[] signature)
    {
        Body = body;
        Signature = signature;
    }

    public ReadOnlyMemory<byte> Body { get; }

    public byte[] Signature { get; }

    public static SignedJson Split(ReadOnlyMemory<byte> utf8, string bodyProperty, string source)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8.Span, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new TdxCollateralException($"{source}: expected a JSON object at byte 0");
            }

            ReadOnlyMemory<byte>? body = null;
            string? signatureHex = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == bodyProperty && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    body = utf8[start..(int)reader.BytesConsumed];
                }
                else if (name == "signature" && reader.TokenType == JsonTokenType.String)
                {
                    signatureHex = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            if (body is null)
            {
                throw new TdxCollateralException($"{source}: no \"{bodyProperty}\" object");
            }

            if (signatureHex is null)
            {
                throw new TdxCollateralException($"{source}: no \"signature\" string");
            }

            byte[] signature;
            try
            {
                signature = Convert.FromHexString(signatureHex);
            }
            catch (FormatException)
            {
                throw new TdxCollateralException($"{source}: \"signature\" is not hex");
            }

            if (signature.Length != 64)
            {
                throw new TdxCollateralException($"{source}: \"signature\" has {signature.Length} bytes, expected 64 (P-256 r‖s)");
            }

            return new SignedJson(body.Value, signature);
        }
        catch (JsonException e)
        {
            throw new TdxCollateralException($"{source}: not JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine}: {e.Message}", e);
        }
    }

    public bool Verify(ECDsa signingKey) =>
        signingKey.VerifyData(Body.Span, Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
