import AMQPClient
import Testing

@Suite struct AMQPURLTests {
    @Test func parsesFullURL() throws {
        let url = try AMQPURL(parsing: "amqp://bob:s%40cret@example.com:5682/%2fprod")
        #expect(url == AMQPURL(host: "example.com", port: 5682, username: "bob",
                               password: "s@cret", virtualHost: "/prod"))
    }
}
