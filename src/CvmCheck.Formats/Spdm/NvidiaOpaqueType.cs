namespace CvmCheck.Formats.Spdm;

/// <summary>
/// Type numbers of the TLVs NVIDIA GPUs put in the MEASUREMENTS OpaqueData field (names as used by
/// NVIDIA's verifiers, nvtrust local_gpu_verifier and attestation-sdk). Unknown types are kept raw.
/// </summary>
public enum NvidiaOpaqueType : ushort
{
    CertIssuerName = 1,
    CertAuthorityKeyIdentifier = 2,
    DriverVersion = 3,
    GpuInfo = 4,
    Sku = 5,
    VbiosVersion = 6,
    ManufacturerId = 7,
    TamperDetection = 8,
    Smc = 9,
    Vpr = 10,
    Nvdec0Status = 11,
    MeasurementCount = 12,
    CprInfo = 13,
    BoardId = 14,
    ChipSku = 15,
    ChipSkuMod = 16,
    Project = 17,
    ProjectSku = 18,
    ProjectSkuMod = 19,
    Fwid = 20,
    ProtectedPcieStatus = 21,
    SwitchPdi = 22,
    FloorsweptPorts = 23,
    PositionId = 24,
    LockSwitchStatus = 25,
    GpuLinkConnection = 32,
    SysEnableStatus = 33,
    OpaqueDataVersion = 34,
    ChipInfo = 35,
    FeatureFlag = 36,
}
