#!/usr/bin/env python3
"""Generates Sources/AMQPProtocol/Generated/*.swift from the AMQP 0-9-1 JSON definition.

Usage: scripts/generate-amqp.py [SPEC_JSON] [OUTPUT_DIR]
Defaults: ../shared/spec/amqp-rabbitmq-0.9.1.json and Sources/AMQPProtocol/Generated.
The output is committed; .ci/run regenerates it and fails when it differs.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "spec", "amqp-rabbitmq-0.9.1.json")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "Sources", "AMQPProtocol", "Generated")

HEADER = ("// Generated; do not edit. Source: shared/spec/amqp-rabbitmq-0.9.1.json.\n"
          "// Generator: scripts/generate-amqp.py\n")

SWIFT_TYPES = {
    "octet": "UInt8", "short": "UInt16", "long": "UInt32", "longlong": "UInt64",
    "shortstr": "String", "longstr": "[UInt8]", "table": "FieldTable", "bit": "Bool",
    "timestamp": "UInt64",
}
KEYWORDS = {"internal", "class", "type", "default", "protocol", "extension", "operator"}


def camel(name, upper=False):
    parts = name.replace("_", "-").split("-")
    text = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return text[:1].upper() + text[1:] if upper else text


def ident(name):
    text = camel(name)
    return f"`{text}`" if text in KEYWORDS else text


def load():
    with open(SPEC) as f:
        spec = json.load(f)
    domains = {d[0]: d[1] for d in spec["domains"]}
    for cls in spec["classes"]:
        for method in cls["methods"]:
            for arg in method["arguments"]:
                arg["wire"] = arg.get("type") or domains[arg["domain"]]
    return spec


def default_literal(arg):
    if "default-value" not in arg:
        return None
    value, wire = arg["default-value"], arg["wire"]
    if wire == "bit":
        return "true" if value else "false"
    if wire == "table":
        return "FieldTable()"
    if wire == "shortstr":
        return json.dumps(value)
    if wire == "longstr":
        return "Array(" + json.dumps(value) + ".utf8)"
    return str(value)


def zero_literal(wire):
    return {"bit": "false", "table": "FieldTable()", "shortstr": '""', "longstr": "[]"}.get(wire, "0")


def gen_methods(spec):
    out = [HEADER, "", "// swiftlint:disable all", ""]
    out.append("/// AMQP class ids, as the specification numbers them.")
    out.append("public enum AMQPClass: UInt16, Sendable, CaseIterable {")
    for cls in spec["classes"]:
        out.append(f"    case {ident(cls['name'])} = {cls['id']}")
    out.append("}")
    out.append("")
    for cls in spec["classes"]:
        cname = camel(cls["name"], upper=True)
        out.append(f"/// Methods of the `{cls['name']}` class (id {cls['id']}).")
        out.append(f"public enum {cname} {{")
        for m in cls["methods"]:
            sname = camel(m["name"], upper=True)
            out.append(f"    /// `{cls['name']}.{m['name']}` (method id {m['id']})"
                       + (", followed by content." if m.get("content") else "."))
            out.append(f"    public struct {sname}: Equatable, Sendable {{")
            for a in m["arguments"]:
                out.append(f"        public var {ident(a['name'])}: {SWIFT_TYPES[a['wire']]}")
            params = []
            for a in m["arguments"]:
                d = default_literal(a) or zero_literal(a["wire"])
                params.append(f"{ident(a['name'])}: {SWIFT_TYPES[a['wire']]} = {d}")
            if params:
                out.append("        public init(")
                out.append(",\n".join("            " + p for p in params))
                out.append("        ) {")
                for a in m["arguments"]:
                    n = ident(a["name"])
                    out.append(f"            self.{n} = {n}")
                out.append("        }")
            else:
                out.append("        public init() {}")
            out.append("    }")
        out.append("}")
        out.append("")
    out.append("/// Every method of AMQP 0-9-1 with RabbitMQ's extensions.")
    out.append("public enum Method: Equatable, Sendable {")
    for cls in spec["classes"]:
        for m in cls["methods"]:
            case = camel(cls["name"]) + camel(m["name"], upper=True)
            out.append(f"    case {case}({camel(cls['name'], upper=True)}.{camel(m['name'], upper=True)})")
    out.append("}")
    out.append("")
    out.append("extension Method {")
    for prop, kind in (("classID", "UInt16"), ("methodID", "UInt16"), ("name", "String"), ("hasContent", "Bool"),
                       ("isSynchronous", "Bool")):
        out.append(f"    public var {prop}: {kind} {{")
        out.append("        switch self {")
        for cls in spec["classes"]:
            for m in cls["methods"]:
                case = camel(cls["name"]) + camel(m["name"], upper=True)
                value = {"classID": str(cls["id"]), "methodID": str(m["id"]),
                         "name": json.dumps(cls["name"] + "." + m["name"]),
                         "hasContent": "true" if m.get("content") else "false",
                         "isSynchronous": "true" if m.get("synchronous") else "false"}[prop]
                out.append(f"        case .{case}: return {value}")
        out.append("        }")
        out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


# Short strings decoded through the decoder's `PublishNames`: a publisher mostly repeats its
# exchange and routing key, and a repeated name is then shared instead of made again.
REMEMBERED_NAMES = {("basic", "publish"): {"exchange": "exchange", "routing-key": "routingKey"}}


def gen_coding(spec):
    out = [HEADER, "", "import NIOCore", ""]
    out.append("extension Method {")
    out.append("    /// Decodes a method frame's payload after its class and method ids; `names` keeps the")
    out.append("    /// last publish's exchange and routing key for the next one to share.")
    out.append("    static func decodeArguments(")
    out.append("        classID: UInt16, methodID: UInt16, from buffer: inout ByteBuffer, names: inout PublishNames")
    out.append("    ) throws(AMQPDecodingError) -> Method {")
    out.append("        switch (classID, methodID) {")
    for cls in spec["classes"]:
        for m in cls["methods"]:
            case = camel(cls["name"]) + camel(m["name"], upper=True)
            tname = f"{camel(cls['name'], upper=True)}.{camel(m['name'], upper=True)}"
            out.append(f"        case ({cls['id']}, {m['id']}):")
            lines, bit_index = [], None
            for a in m["arguments"]:
                n = ident(a["name"])
                w = a["wire"]
                if w == "bit":
                    if bit_index is None or bit_index == 8:
                        lines.append("            bits = try buffer.readAMQPOctet()")
                        bit_index = 0
                    lines.append(f"            value.{n} = bits & {1 << bit_index} != 0")
                    bit_index += 1
                else:
                    bit_index = None
                    reader = {"octet": "readAMQPOctet()", "short": "readAMQPShort()", "long": "readAMQPLong()",
                              "longlong": "readAMQPLongLong()", "timestamp": "readAMQPLongLong()",
                              "shortstr": "readAMQPShortString()", "longstr": "readAMQPLongString()",
                              "table": "readAMQPFieldTable()"}[w]
                    remembered = REMEMBERED_NAMES.get((cls["name"], m["name"]), {}).get(a["name"])
                    if remembered:
                        reader = f"readAMQPShortString(reusing: &names.{remembered})"
                    lines.append(f"            value.{n} = try buffer.{reader}")
            if any(a["wire"] == "bit" for a in m["arguments"]):
                out.append("            var bits: UInt8")
            out.append(f"            var value = {tname}()" if lines else f"            let value = {tname}()")
            out.extend(lines)
            out.append(f"            return .{case}(value)")
    out.append("        default:")
    out.append("            throw AMQPDecodingError.unknownMethod(classID: classID, methodID: methodID)")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// Encodes the method's class id, method id and arguments.")
    out.append("    public func encode(into buffer: inout ByteBuffer) {")
    out.append("        buffer.writeInteger(classID)")
    out.append("        buffer.writeInteger(methodID)")
    out.append("        switch self {")
    for cls in spec["classes"]:
        for m in cls["methods"]:
            case = camel(cls["name"]) + camel(m["name"], upper=True)
            args = m["arguments"]
            out.append(f"        case .{case}({'let value' if args else '_'}):")
            if not args:
                out.append("            break")
                continue
            i = 0
            declared_bits = False
            while i < len(args):
                a = args[i]
                w = a["wire"]
                if w == "bit":
                    group = []
                    while i < len(args) and args[i]["wire"] == "bit" and len(group) < 8:
                        group.append(args[i])
                        i += 1
                    out.append("            var bits: UInt8 = 0" if not declared_bits else "            bits = 0")
                    declared_bits = True
                    for k, b in enumerate(group):
                        out.append(f"            if value.{ident(b['name'])} {{ bits |= {1 << k} }}")
                    out.append("            buffer.writeInteger(bits)")
                    continue
                writer = {"octet": "writeInteger", "short": "writeInteger", "long": "writeInteger",
                          "longlong": "writeInteger", "timestamp": "writeInteger",
                          "shortstr": "writeAMQPShortString", "longstr": "writeAMQPLongString",
                          "table": "writeAMQPFieldTable"}[w]
                out.append(f"            buffer.{writer}(value.{ident(a['name'])})")
                i += 1
    out.append("        }")
    out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


def is_frame_constant(constant):
    """FRAME-METHOD, FRAME-END... are frame constants; FRAME-ERROR is a reply code."""
    return constant["name"].startswith("FRAME-") and "class" not in constant


def gen_constants(spec):
    out = [HEADER, ""]
    out.append("/// Reply codes used in `connection.close` and `channel.close`.")
    out.append("public enum ReplyCode: UInt16, Sendable, CaseIterable {")
    for c in spec["constants"]:
        if is_frame_constant(c):
            continue
        out.append(f"    case {camel(c['name'].lower())} = {c['value']}")
    out.append("")
    out.append("    /// True for codes that close the whole connection (hard errors).")
    out.append("    public var isHardError: Bool {")
    out.append("        switch self {")
    hard = [camel(c["name"].lower()) for c in spec["constants"] if c.get("class") == "hard-error"]
    out.append("        case " + ", ".join("." + h for h in hard) + ": return true")
    out.append("        default: return false")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// The symbolic name RabbitMQ prints before a reply text, e.g. `NOT_FOUND`.")
    out.append("    public var symbol: String {")
    out.append("        switch self {")
    for c in spec["constants"]:
        if is_frame_constant(c):
            continue
        out.append(f"        case .{camel(c['name'].lower())}: return {json.dumps(c['name'].replace('-', '_'))}")
    out.append("        }")
    out.append("    }")
    out.append("}")
    out.append("")
    out.append("/// Frame-level constants of the specification.")
    out.append("public enum FrameConstants {")
    for c in spec["constants"]:
        if is_frame_constant(c):
            out.append(f"    public static let {camel(c['name'].lower()[6:])}: Int = {c['value']}")
    out.append("}")
    return "\n".join(out) + "\n"


def sample_literal(arg, index):
    """A non-default value per argument, so a round trip shows every field is carried."""
    wire = arg["wire"]
    if wire == "bit":
        return "true" if index % 2 == 0 else "false"
    if wire == "octet":
        return str(200 + index)
    if wire == "short":
        return str(40000 + index)
    if wire == "long":
        return str(3_000_000_000 + index)
    if wire in ("longlong", "timestamp"):
        return f"{(1 << 40) + index}"
    if wire == "shortstr":
        return json.dumps(f"{arg['name']}-{index}")
    if wire == "longstr":
        return f"[0, 1, 2, 255, {index}]"
    return f'["key-{index}": "value", "n": .int32(-{index}), "nested": .table(["deep": .bool(true)])]'


def gen_samples(spec):
    out = [HEADER, "", "import AMQPProtocol", ""]
    out.append("/// One instance of every method, each argument set away from its default.")
    out.append("let everyMethodSample: [Method] = [")
    for cls in spec["classes"]:
        for m in cls["methods"]:
            case = camel(cls["name"]) + camel(m["name"], upper=True)
            tname = f"{camel(cls['name'], upper=True)}.{camel(m['name'], upper=True)}"
            args = ", ".join(f"{camel(a['name'])}: {sample_literal(a, i)}" for i, a in enumerate(m["arguments"]))
            out.append(f"    .{case}({tname}({args})),")
    out.append("]")
    return "\n".join(out) + "\n"


def main():
    spec = load()
    os.makedirs(OUT, exist_ok=True)
    files = {"Methods.swift": gen_methods(spec), "MethodCoding.swift": gen_coding(spec),
             "Constants.swift": gen_constants(spec)}
    for name, text in files.items():
        with open(os.path.join(OUT, name), "w") as f:
            f.write(text)
    tests = os.path.join(ROOT, "Tests", "AMQPProtocolTests", "Generated")
    os.makedirs(tests, exist_ok=True)
    with open(os.path.join(tests, "MethodSamples.swift"), "w") as f:
        f.write(gen_samples(spec))
    print(f"generated {len(files)} files in {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
