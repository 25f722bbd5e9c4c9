import AMQPClient
import Testing

@Suite struct AMQPURLTests {
    @Test func parsesFullURL() throws {
        let url = try AMQPURL(parsing: "amqp://bob:s%40cret@example.com:5682/%2fprod")
        #expect(url == AMQPURL(host: "example.com", port: 5682, username: "bob",
                               password: "s@cret", virtualHost: "/prod"))
    }

    @Test(arguments: [
        ("amqp://", AMQPURL()),
        ("amqp://localhost", AMQPURL(host: "localhost")),
        ("amqp://guest:guest@127.0.0.1:5682/", AMQPURL(port: 5682)),
        ("amqp://u@h/vh", AMQPURL(host: "h", username: "u", virtualHost: "vh")),
    ])
    func defaultsApplyToMissingParts(text: String, expected: AMQPURL) throws {
        #expect(try AMQPURL(parsing: text) == expected)
    }

    @Test func rejectsOtherSchemesAndBadPorts() {
        #expect(throws: AMQPURL.ParseError.unsupportedScheme("amqps")) { try AMQPURL(parsing: "amqps://h") }
        #expect(throws: AMQPURL.ParseError.invalidPort("99999")) { try AMQPURL(parsing: "amqp://h:99999") }
        #expect(throws: AMQPURL.ParseError.invalidPercentEncoding("a%zz")) { try AMQPURL(parsing: "amqp://h/a%zz") }
    }

    @Test func configurationTakesCredentialsFromTheURL() throws {
        let config = AMQPConnectionConfiguration(url: try AMQPURL(parsing: "amqp://a:b@h/v"))
        #expect(config.username == "a" && config.password == "b" && config.virtualHost == "v")
    }
}
