// CWarrenCRC32C.h: CRC-32C with the CPU's CRC32 instruction (SSE 4.2 on x86-64, the CRC
// extension on ARMv8), for WarrenLog's RecordBatch checksums. Swift has no intrinsics for it.
#ifndef CWARRENCRC32C_H
#define CWARRENCRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has a CRC-32C instruction (checked once).
int warren_crc32c_hardware_available(void);

/// Continues the CRC-32C `crc` (pre/post-inverted as usual: pass 0 to start) over `length`
/// bytes. Only call when `warren_crc32c_hardware_available()` returned non-zero.
uint32_t warren_crc32c_hardware(uint32_t crc, const void *bytes, size_t length);

#endif
