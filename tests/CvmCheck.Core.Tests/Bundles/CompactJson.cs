using System.Text.Json;
using System.Text.Json.Serialization;

namespace CvmCheck.Core.Tests.Bundles;

/// <summary>Source-generated context for re-serialising a JsonElement compactly in tests.</summary>
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CompactJson : JsonSerializerContext;
