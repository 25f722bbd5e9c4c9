// CWarrenCRC32C.c: CRC-32C with the CPU's CRC32 instruction, three streams at once.
//
// The instruction has a latency of about three cycles but can start one per cycle, so a single
// chain of 8-byte steps runs at a third of the possible speed (about 7 GB/s on this project's
// benchmark machine, enough to show in an append profile). As in Mark Adler's crc32c.c
// (zlib licence), the data is cut into three blocks checksummed in parallel, and the three CRCs
// are combined: shifting a CRC over `n` zero bytes is a linear map over GF(2), precomputed as
// four 256-entry tables for n = LONG and n = SHORT bytes. Blocks of 3 * LONG bytes go first,
// then blocks of 3 * SHORT, then single 8-byte steps, then single bytes.
#include "CWarrenCRC32C.h"
#include <pthread.h>
#include <string.h>

#define POLY 0x82f63b78u  // CRC-32C, reflected
#define LONG 8192
#define SHORT 256

#if defined(__x86_64__) || (defined(__aarch64__) && defined(__linux__))

static uint32_t crc32c_long[4][256];
static uint32_t crc32c_short[4][256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static uint32_t gf2_matrix_times(const uint32_t *mat, uint32_t vec) {
    uint32_t sum = 0;
    while (vec) {
        if (vec & 1) sum ^= *mat;
        vec >>= 1;
        mat++;
    }
    return sum;
}

static void gf2_matrix_square(uint32_t *square, const uint32_t *mat) {
    for (int n = 0; n < 32; n++) square[n] = gf2_matrix_times(mat, mat[n]);
}

// The operator that appends `len` zero bytes to a CRC (`len` a power of two).
static void zeros_op(uint32_t *even, size_t len) {
    uint32_t odd[32];
    odd[0] = POLY;  // One zero bit.
    uint32_t row = 1;
    for (int n = 1; n < 32; n++) {
        odd[n] = row;
        row <<= 1;
    }
    gf2_matrix_square(even, odd);  // Two zero bits.
    gf2_matrix_square(odd, even);  // Four zero bits.
    // Each square doubles the count: the first in the loop gives one zero byte.
    do {
        gf2_matrix_square(even, odd);
        len >>= 1;
        if (len == 0) return;
        gf2_matrix_square(odd, even);
        len >>= 1;
    } while (len);
    memcpy(even, odd, sizeof(odd));
}

static void zeros_tables(uint32_t zeros[4][256], size_t len) {
    uint32_t op[32];
    zeros_op(op, len);
    for (uint32_t n = 0; n < 256; n++) {
        zeros[0][n] = gf2_matrix_times(op, n);
        zeros[1][n] = gf2_matrix_times(op, n << 8);
        zeros[2][n] = gf2_matrix_times(op, n << 16);
        zeros[3][n] = gf2_matrix_times(op, n << 24);
    }
}

static void make_tables(void) {
    zeros_tables(crc32c_long, LONG);
    zeros_tables(crc32c_short, SHORT);
}

static inline uint64_t shift(uint32_t zeros[4][256], uint64_t crc) {
    return zeros[0][crc & 0xff] ^ zeros[1][(crc >> 8) & 0xff] ^ zeros[2][(crc >> 16) & 0xff] ^
           zeros[3][(crc >> 24) & 0xff];
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t word;
    memcpy(&word, p, 8);
    return word;
}

#if defined(__x86_64__)
#include <cpuid.h>
#define TARGET __attribute__((target("sse4.2")))
#define STEP64(c, p) __builtin_ia32_crc32di((c), load64(p))
#define STEP8(c, b) __builtin_ia32_crc32qi((uint32_t)(c), (b))

static int cpu_has_crc32c(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_SSE4_2) != 0;
}
#else
#include <asm/hwcap.h>
#include <sys/auxv.h>
#define TARGET __attribute__((target("crc")))
#define STEP64(c, p) __builtin_arm_crc32cd((uint32_t)(c), load64(p))
#define STEP8(c, b) __builtin_arm_crc32cb((uint32_t)(c), (b))

static int cpu_has_crc32c(void) { return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0; }
#endif

int warren_crc32c_hardware_available(void) {
    pthread_once(&tables_once, make_tables);
    return cpu_has_crc32c();
}

// Three interleaved chains over blocks of `block` bytes, while 3 * block bytes remain.
#define INTERLEAVE(block, table)                                 \
    while (length >= 3 * (size_t)(block)) {                      \
        uint64_t c1 = 0, c2 = 0;                                 \
        const unsigned char *end = p + (block);                  \
        do {                                                     \
            c0 = STEP64(c0, p);                                  \
            c1 = STEP64(c1, p + (block));                        \
            c2 = STEP64(c2, p + 2 * (block));                    \
            p += 8;                                              \
        } while (p < end);                                       \
        c0 = shift(table, c0) ^ c1;                              \
        c0 = shift(table, c0) ^ c2;                              \
        p += 2 * (block);                                        \
        length -= 3 * (size_t)(block);                           \
    }

TARGET
uint32_t warren_crc32c_hardware(uint32_t crc, const void *bytes, size_t length) {
    pthread_once(&tables_once, make_tables);
    const unsigned char *p = (const unsigned char *)bytes;
    uint64_t c0 = (uint32_t)~crc;
    INTERLEAVE(LONG, crc32c_long)
    INTERLEAVE(SHORT, crc32c_short)
    while (length >= 8) {
        c0 = STEP64(c0, p);
        p += 8;
        length -= 8;
    }
    while (length > 0) {
        c0 = STEP8(c0, *p);
        p++;
        length--;
    }
    return ~(uint32_t)c0;
}

#else

int warren_crc32c_hardware_available(void) { return 0; }

uint32_t warren_crc32c_hardware(uint32_t crc, const void *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return crc;
}

#endif
