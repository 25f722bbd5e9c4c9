// PerfSummary.swift: the final figures of a `warren perf` run, as text or JSON.
import Foundation

struct PerfSummary {
    let plan: PerfPlan
    let totals: PerfCounters.Snapshot
    let publishSeconds: Double
    let consumeSeconds: Double
    let lost: UInt64

    private func milliseconds(_ percentile: Double) -> Double { Double(totals.latency.percentile(percentile)) / 1e6 }

    var publishRate: Double { publishSeconds > 0 ? Double(totals.published) / publishSeconds : 0 }
    var consumeRate: Double { consumeSeconds > 0 ? Double(totals.received) / consumeSeconds : 0 }

    var json: [String: Any] {
        [
            "producers": plan.producers, "consumers": plan.consumers, "size": plan.size, "queues": plan.queueCount,
            "groups": plan.groups, "confirm": plan.confirmWindow, "persistent": plan.persistent,
            "published": totals.published, "confirmed": totals.confirmed, "nacked": totals.nacked,
            "received": totals.received, "lost": lost,
            "publish_rate": (publishRate * 10).rounded() / 10, "consume_rate": (consumeRate * 10).rounded() / 10,
            "latency_ms": ["p50": milliseconds(50), "p75": milliseconds(75), "p95": milliseconds(95),
                           "p99": milliseconds(99), "p99.9": milliseconds(99.9),
                           "max": Double(totals.latency.maxNanoseconds) / 1e6],
        ]
    }

    var text: String {
        String(format: """
            published %llu in %.1f s (%.0f msg/s), confirmed %llu, nacked %llu
            received %llu in %.1f s (%.0f msg/s), lost %llu
            latency ms: p50 %.3f  p75 %.3f  p95 %.3f  p99 %.3f  p99.9 %.3f  max %.3f
            """, totals.published, publishSeconds, publishRate, totals.confirmed, totals.nacked,
               totals.received, consumeSeconds, consumeRate, lost,
               milliseconds(50), milliseconds(75), milliseconds(95), milliseconds(99), milliseconds(99.9),
               Double(totals.latency.maxNanoseconds) / 1e6)
    }
}
