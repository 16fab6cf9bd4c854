/**
 * Azure VM sizes this project can place pools on, with their vCPUs and memory, from Azure's size
 * documentation (learn.microsoft.com/azure/virtual-machines/sizes: B-series, Dsv5/Ddsv5,
 * Esv5/Edsv5, Epdsv6). The capacity check needs the numbers; a size missing here is refused
 * with a message saying where to add it.
 */
export const VM_SIZES: Readonly<Record<string, { vcpus: number; memoryGiB: number }>> = {
  Standard_B2s: { vcpus: 2, memoryGiB: 4 },
  Standard_B2ms: { vcpus: 2, memoryGiB: 8 },
  Standard_B4ms: { vcpus: 4, memoryGiB: 16 },
  Standard_D2s_v5: { vcpus: 2, memoryGiB: 8 },
  Standard_D4s_v5: { vcpus: 4, memoryGiB: 16 },
  Standard_D8s_v5: { vcpus: 8, memoryGiB: 32 },
  Standard_D2ds_v5: { vcpus: 2, memoryGiB: 8 },
  Standard_D4ds_v5: { vcpus: 4, memoryGiB: 16 },
  Standard_D8ds_v5: { vcpus: 8, memoryGiB: 32 },
  Standard_E2s_v5: { vcpus: 2, memoryGiB: 16 },
  Standard_E4s_v5: { vcpus: 4, memoryGiB: 32 },
  Standard_E8s_v5: { vcpus: 8, memoryGiB: 64 },
  Standard_E2ds_v5: { vcpus: 2, memoryGiB: 16 },
  Standard_E4ds_v5: { vcpus: 4, memoryGiB: 32 },
  Standard_E8ds_v5: { vcpus: 8, memoryGiB: 64 },
  Standard_E16ds_v5: { vcpus: 16, memoryGiB: 128 },
  Standard_E2pds_v6: { vcpus: 2, memoryGiB: 16 },
  Standard_E4pds_v6: { vcpus: 4, memoryGiB: 32 },
  Standard_E8pds_v6: { vcpus: 8, memoryGiB: 64 },
  Standard_E16pds_v6: { vcpus: 16, memoryGiB: 128 },
  Standard_E32pds_v6: { vcpus: 32, memoryGiB: 256 },
};
