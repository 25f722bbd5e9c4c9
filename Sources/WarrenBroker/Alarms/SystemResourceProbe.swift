// SystemResourceProbe.swift: memory and disk figures of this process and machine, from Linux's
// /proc and statvfs.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct SystemResourceProbe: ResourceProbe {
    /// The directory whose file system is watched (the data directory).
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func memoryUsedBytes() -> Int64 {
        // /proc/self/statm: size resident shared ... in pages.
        guard let text = Self.read("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    public func memoryTotalBytes() -> Int64 {
        Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    public func diskFreeBytes() -> Int64 {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return Int64.max }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
