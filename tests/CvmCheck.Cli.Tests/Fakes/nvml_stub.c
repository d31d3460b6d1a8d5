/*
 * A stand-in libnvidia-ml.so.1 for NvmlStubLibraryTests: exercises cvmcheck's real P/Invoke path
 * (struct layouts, nonce in, sizes out) on machines without a GPU. Written for this project from the
 * declarations in NVIDIA's nvml.h. Serves one captured report/chain for every device:
 *   FAKE_NVML_REPORT  binary SPDM request||response     FAKE_NVML_CHAIN  PEM chain
 *   FAKE_NVML_GPUS    device count (default 1)          FAKE_NVML_LOG    calls are appended here
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;

typedef struct {
    unsigned int environment;
    unsigned int ccFeature;
    unsigned int devToolsMode;
} nvmlConfComputeSystemState_t;

typedef struct {
    unsigned int certChainSize;
    unsigned int attestationCertChainSize;
    unsigned char certChain[0x1000];
    unsigned char attestationCertChain[0x1400];
} nvmlConfComputeGpuCertificate_t;

typedef struct {
    unsigned int isCecAttestationReportPresent;
    unsigned int attestationReportSize;
    unsigned int cecAttestationReportSize;
    unsigned char nonce[0x20];
    unsigned char attestationReport[0x2000];
    unsigned char cecAttestationReport[0x1000];
} nvmlConfComputeGpuAttestationReport_t;

static unsigned int accepting;

static void log_line(const char *text)
{
    const char *path = getenv("FAKE_NVML_LOG");
    FILE *f = path ? fopen(path, "a") : NULL;
    if (f) {
        fputs(text, f);
        fputc('\n', f);
        fclose(f);
    }
}

static size_t read_file(const char *variable, unsigned char *buffer, size_t capacity)
{
    const char *path = getenv(variable);
    FILE *f = path ? fopen(path, "rb") : NULL;
    size_t n = 0;
    if (f) {
        n = fread(buffer, 1, capacity, f);
        fclose(f);
    }
    return n;
}

static unsigned int gpu_count(void)
{
    const char *count = getenv("FAKE_NVML_GPUS");
    return count ? (unsigned int)atoi(count) : 1u;
}

nvmlReturn_t nvmlInit_v2(void) { log_line("init"); return 0; }
nvmlReturn_t nvmlShutdown(void) { log_line("shutdown"); return 0; }
const char *nvmlErrorString(nvmlReturn_t result) { return result == 2 ? "Invalid Argument" : "Unknown Error"; }

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { *count = gpu_count(); return 0; }

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
    if (index >= gpu_count()) return 2;
    *device = (nvmlDevice_t)(size_t)(0x1000 + index);
    return 0;
}

nvmlReturn_t nvmlSystemGetConfComputeState(nvmlConfComputeSystemState_t *state)
{
    state->environment = 2; /* PROD */
    state->ccFeature = 1;   /* ENABLED */
    state->devToolsMode = 0;
    return 0;
}

nvmlReturn_t nvmlSystemGetConfComputeGpusReadyState(unsigned int *isAcceptingWork) { *isAcceptingWork = accepting; return 0; }

nvmlReturn_t nvmlSystemSetConfComputeGpusReadyState(unsigned int isAcceptingWork)
{
    char line[32];
    accepting = isAcceptingWork;
    snprintf(line, sizeof line, "set-ready %u", isAcceptingWork);
    log_line(line);
    return 0;
}

nvmlReturn_t nvmlDeviceGetConfComputeGpuAttestationReport(nvmlDevice_t device, nvmlConfComputeGpuAttestationReport_t *report)
{
    char line[80] = "nonce ";
    (void)device;
    for (int i = 0; i < 0x20; i++) snprintf(line + 6 + 2 * i, 3, "%02x", report->nonce[i]);
    log_line(line);
    report->isCecAttestationReportPresent = 0;
    report->cecAttestationReportSize = 0;
    report->attestationReportSize = (unsigned int)read_file("FAKE_NVML_REPORT", report->attestationReport, sizeof report->attestationReport);
    return 0;
}

nvmlReturn_t nvmlDeviceGetConfComputeGpuCertificate(nvmlDevice_t device, nvmlConfComputeGpuCertificate_t *certificate)
{
    (void)device;
    certificate->certChainSize = 0;
    certificate->attestationCertChainSize = (unsigned int)read_file("FAKE_NVML_CHAIN", certificate->attestationCertChain, sizeof certificate->attestationCertChain);
    return 0;
}
