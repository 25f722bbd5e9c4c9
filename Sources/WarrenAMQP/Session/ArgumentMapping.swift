// ArgumentMapping.swift: AMQP field tables <-> the broker's argument tables, and errors.
import AMQPProtocol
import WarrenBroker

extension ArgumentTable {
    /// The broker's view of an AMQP field table.
    init(_ table: FieldTable) {
        self.init(table.entries.map { (key: $0.key, value: ArgumentValue($0.value)) })
    }
}

extension ArgumentValue {
    init(_ value: FieldValue) {
        switch value {
        case .bool(let v): self = .bool(v)
        case .int8(let v): self = .int(Int64(v))
        case .uint8(let v): self = .int(Int64(v))
        case .int16(let v): self = .int(Int64(v))
        case .uint16(let v): self = .int(Int64(v))
        case .int32(let v): self = .int(Int64(v))
        case .uint32(let v): self = .int(Int64(v))
        case .int64(let v): self = .int(v)
        case .float(let v): self = .double(Double(v))
        case .double(let v): self = .double(v)
        case .decimal(let scale, let v): self = .decimal(scale: scale, value: v)
        case .longString(let bytes), .byteArray(let bytes): self = .bytes(bytes)
        case .array(let values): self = .array(values.map(ArgumentValue.init))
        case .timestamp(let v): self = .timestamp(v)
        case .table(let table): self = .table(ArgumentTable(table))
        case .void: self = .void
        }
    }
}

extension ProtocolError {
    /// The AMQP error for a broker error on `method`.
    init(_ error: BrokerError, method: Method) {
        let code: ReplyCode
        switch error.kind {
        case .notFound: code = .notFound
        case .accessRefused: code = .accessRefused
        case .preconditionFailed: code = .preconditionFailed
        case .resourceLocked: code = .resourceLocked
        case .notAllowed: code = .notAllowed
        case .commandInvalid: code = .commandInvalid
        case .resourceError: code = .resourceError
        case .internalError: code = .internalError
        case .notImplemented: code = .notImplemented
        }
        self.init(code, error.text, method: method)
    }
}

extension FieldValue {
    /// The type's name in RabbitMQ's error texts (`{unacceptable_type,longstr}`).
    var rabbitTypeName: String {
        switch self {
        case .bool: "bool"
        case .int8: "byte"
        case .uint8: "unsignedbyte"
        case .int16: "short"
        case .uint16: "unsignedshort"
        case .int32: "signedint"
        case .uint32: "unsignedint"
        case .int64: "long"
        case .float: "float"
        case .double: "double"
        case .decimal: "decimal"
        case .longString: "longstr"
        case .byteArray: "binary"
        case .array: "array"
        case .timestamp: "timestamp"
        case .table: "table"
        case .void: "void"
        }
    }
}
