// RateSamplerTests.swift: the management API's rates come from two samples of the counters.
import Testing
@testable import WarrenBroker

@Suite struct RateSamplerTests {
    @Test func ratesAreTheCountersDifferenceOverTheSamplesInterval() {
        var sampler = RateSampler()
        var counters = MessageCounters()
        sampler.sample(counters, now: 10_000)
        #expect(sampler.rates == MessageRates())  // one sample: no rate yet
        counters.published = 50
        counters.delivered = 25
        counters.acknowledged = 20
        sampler.sample(counters, now: 15_000)
        #expect(sampler.rates.published == 10 && sampler.rates.delivered == 5 && sampler.rates.acknowledged == 4)
        sampler.sample(counters, now: 20_000)
        #expect(sampler.rates.published == 0)  // nothing new in the last interval
    }
}
