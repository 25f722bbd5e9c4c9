// HeapTrimmer.swift: gives the memory the process freed back to the system, on a timer.
//
// glibc's malloc keeps freed blocks in its arenas' free lists, and gives back only what lies
// at the top of a heap: after a burst (a drained backlog, a deleted queue, a thousand closed
// connections) the process kept tens of MiB it no longer used, and its resident size, which
// the memory alarm and `/metrics` report, stayed high. `malloc_trim(0)` returns every free
// page of every arena.
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import ServiceLifecycle

/// Runs `malloc_trim` every `interval` on a utility thread of its own (it walks every arena,
/// a few milliseconds for a heap of 100 MiB, and must not hold up an event loop).
public struct HeapTrimmer: Service {
    public let interval: Duration
    private static let queue = DispatchQueue(label: "warren.heap-trimmer", qos: .utility)

    public init(interval: Duration = .seconds(10)) {
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await Self.trim()
            }
        }
    }

    /// glibc's `malloc_trim` (declared in <malloc.h>, which the Glibc module leaves out); nil
    /// with another C library.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// Gives free heap pages back now; returns whether any were.
    @discardableResult
    public static func trim() async -> Bool {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: mallocTrim.map { $0(0) == 1 } ?? false)
            }
        }
    }
}
