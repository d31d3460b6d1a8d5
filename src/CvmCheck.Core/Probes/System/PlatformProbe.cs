using CvmCheck.Core.Facts;

namespace CvmCheck.Core.Probes.System;

/// <summary>
/// Firmware and platform identity. <c>sys/firmware/efi</c> exists only when the kernel runs with EFI
/// runtime services; DMI tells the firmware's vendor. OVMF (UEFI) reports "EDK II": a guest with that
/// vendor but no EFI runtime is a UEFI VM whose kernel lacks CONFIG_EFI (seed 002).
/// </summary>
public sealed class PlatformProbe : IProbe
{
    public const string Efi = "sys/firmware/efi";
    public const string Dmi = "sys/class/dmi/id/";

    private static readonly string[] UefiVendors = ["EDK II", "EFI Development Kit II / OVMF", "OVMF", "American Megatrends", "Amazon EC2", "Microsoft Corporation"];

    public string Name => "platform";

    public void Run(ProbeContext context)
    {
        var facts = context.Facts;
        var efi = context.Source.Exists(Efi);
        facts.Add(Fact.Of(FactNames.PlatformEfiRuntime, efi, Efi));

        foreach (var (file, fact) in (ReadOnlySpan<(string, string)>)[
                     ("bios_vendor", FactNames.PlatformBiosVendor), ("bios_version", FactNames.PlatformBiosVersion),
                     ("sys_vendor", FactNames.PlatformSysVendor), ("product_name", FactNames.PlatformProductName)])
        {
            var value = context.ReadText(Dmi + file, fact)?.Trim();
            if (value is not null)
            {
                facts.Add(value.Length > 0 ? Fact.Of(fact, value, Dmi + file, 1) : Fact.Absent(fact, [Dmi + file]));
            }
        }

        var vendor = facts.Get(FactNames.PlatformBiosVendor);
        var uefiVendor = vendor.ValueText is { } v && UefiVendors.Any(u => v.Contains(u, StringComparison.OrdinalIgnoreCase));
        var firmware = efi || uefiVendor ? "uefi" : "bios";
        facts.Add(Fact.Of(FactNames.PlatformFirmware, firmware, efi ? Efi : vendor.Value is not null ? vendor.Artifact : Efi, efi ? null : vendor.Line));
    }
}
