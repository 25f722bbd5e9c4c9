#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import WarrenServer

/// The server's heap trimmer gives freed memory back: the resident size falls.
@Suite struct HeapTrimmerTests {
    /// Resident bytes of this process (`/proc/self/statm`, second field, in pages).
    static func residentBytes() throws -> Int {
        let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
        return try #require(Int(fields[1])) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// 128 MiB in 4 KiB blocks, every 32nd kept: the freed memory lies between live blocks,
    /// where malloc does not give it back by itself.
    @Test func freedBlocksBetweenLiveOnesGoBackToTheSystem() async throws {
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<32_768 {
            let block = try #require(malloc(4096))
            memset(block, 1, 4096)
            blocks.append(block)
        }
        defer { for index in stride(from: 0, to: blocks.count, by: 32) { free(blocks[index]) } }
        for index in blocks.indices where index % 32 != 0 { free(blocks[index]) }
        let before = try Self.residentBytes()
        #expect(await HeapTrimmer.trim())
        let after = try Self.residentBytes()
        #expect(before - after > 64 << 20, "resident \(before >> 20) MiB before the trim, \(after >> 20) MiB after")
    }
}
