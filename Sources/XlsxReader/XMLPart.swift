import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Where a part is being parsed, for error messages.
struct PartContext {
    let part: String
    let sheet: String?
}

/// The base of every part's SAX handler: failure handling, and the local name of elements
/// (prefixes such as `x:` are dropped: some writers prefix the main namespace).
class PartHandler: NSObject, XMLParserDelegate {
    let context: PartContext
    /// The first failure; parsing is aborted when it is set.
    private(set) var failure: XlsxReaderError?
    weak var parser: XMLParser?

    init(context: PartContext) {
        self.context = context
    }

    func fail(_ error: XlsxReaderError) {
        guard failure == nil else { return }
        failure = error
        parser?.abortParsing()
    }

    /// Open elements; a part that ends with elements still open is truncated (the Linux XMLParser
    /// reports no error for it).
    private(set) var depth = 0
    private(set) var sawRoot = false

    // Subclasses override these three; the delegate callbacks below are fixed here because on Linux
    // the delegate protocol is a plain Swift protocol, whose witnesses are chosen where it is adopted.

    /// An element starts (`name` without its prefix).
    func start(_ name: Substring, _ attributes: [String: String]) {}
    /// An element ends.
    func end(_ name: Substring) {}
    /// Text (characters, whitespace or CDATA).
    func text(_ string: String) {}

    final func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                      qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard failure == nil else { return }
        depth += 1
        sawRoot = true
        start(localName(elementName), attributes)
    }

    final func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                      qualifiedName qName: String?) {
        guard failure == nil else { return }
        depth -= 1
        end(localName(elementName))
    }

    final func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil else { return }
        text(string)
    }

    final func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
        guard failure == nil else { return }
        text(whitespaceString)
    }

    final func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard failure == nil else { return }
        text(String(decoding: CDATABlock, as: UTF8.self))
    }

    /// The Linux XMLParser reports well-formedness errors here but may still return true from
    /// `parse()` (libxml2 recovers), so the first error fails the part.
    final func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if XMLPart.isLateHugeInputError(parseError, handler: self) { return }
        if XMLPart.warningCodes.contains((parseError as NSError).code) { return }
        fail(.malformedXML(part: context.part, sheet: context.sheet, line: parser.lineNumber, column: parser.columnNumber,
                           reason: XMLPart.describe(parseError as NSError, openElements: depth)))
    }

    final func parser(_ parser: XMLParser, validationErrorOccurred validationError: Error) {
        fail(.malformedXML(part: context.part, sheet: context.sheet, line: parser.lineNumber, column: parser.columnNumber,
                           reason: XMLPart.describe(validationError as NSError)))
    }

    /// Declarations can only come from a DOCTYPE, which the prolog check refuses; refuse them here too.
    private func refuseDeclaration() {
        fail(.doctypeRefused(part: context.part, sheet: context.sheet, line: parser?.lineNumber ?? 0,
                             column: parser?.columnNumber ?? 0))
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        refuseDeclaration()
    }

    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
        refuseDeclaration()
    }

    func parser(_ parser: XMLParser, foundUnparsedEntityDeclarationWithName name: String, publicID: String?,
                systemID: String?, notationName: String?) {
        refuseDeclaration()
    }

    func parser(_ parser: XMLParser, foundElementDeclarationWithName elementName: String, model: String) {
        refuseDeclaration()
    }

    func parser(_ parser: XMLParser, foundNotationDeclarationWithName name: String, publicID: String?, systemID: String?) {
        refuseDeclaration()
    }

    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        refuseDeclaration()
        return nil
    }
}

/// The local part of a qualified name: "x:c" → "c".
@inline(__always)
func localName(_ qualified: String) -> Substring {
    if let colon = qualified.utf8.lastIndex(of: UInt8(ascii: ":")) {
        return qualified[qualified.index(after: colon)...]
    }
    return qualified[...]
}

enum XMLPart {
    /// Parses `data` with `handler`; throws the handler's failure, or `.malformedXML` with the parser's
    /// line and column, or `.doctypeRefused` when the prolog has a DOCTYPE or another markup declaration.
    static func parse(_ data: Data, handler: PartHandler) throws(XlsxReaderError) {
        try checkProlog(data, context: handler.context)
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = handler
        handler.parser = parser
        let ok = parser.parse()
        if let failure = handler.failure { throw failure }
        let context = handler.context
        let error = parser.parserError as NSError?
        let ignorable = error.map { warningCodes.contains($0.code) || isLateHugeInputError($0, handler: handler) } ?? ok
        if !ok || error != nil, !ignorable {
            let reason = (parser.parserError as NSError?).map { Self.describe($0, openElements: handler.depth) }
                ?? "the XML parser failed"
            throw .malformedXML(part: context.part, sheet: context.sheet, line: parser.lineNumber,
                                column: parser.columnNumber, reason: reason)
        }
        if !handler.sawRoot {
            throw .malformedXML(part: context.part, sheet: context.sheet, line: parser.lineNumber,
                                column: parser.columnNumber, reason: "the part has no root element")
        }
        if handler.depth != 0 {
            throw .malformedXML(part: context.part, sheet: context.sheet, line: parser.lineNumber,
                                column: parser.columnNumber, reason: "the part ends before its elements are closed (truncated?)")
        }
    }

    /// libxml2 warnings (not well-formedness errors) that the Linux XMLParser reports like errors:
    /// unknown XML version, xml:lang and xml:space values, namespace URIs that are not absolute.
    static let warningCodes: Set<Int> = [97, 98, 99, 100, 102, 106]

    /// The Linux XMLParser pushes a part to libxml2 in chunks without XML_PARSE_HUGE; once more than
    /// 10,000,000 bytes have gone through, libxml2 reports "huge input lookup" (internal error 1) — seen
    /// only after the root element has closed, when every callback has been delivered. That error, at
    /// that point, is ignored; anywhere else it fails the part like any other.
    static func isLateHugeInputError(_ error: Error?, handler: PartHandler) -> Bool {
        guard let error = error as NSError?, error.code == 1 else { return false }
        return handler.sawRoot && handler.depth == 0
    }

    /// libxml2's error codes (which XMLParser passes on) for the problems people meet; the Linux
    /// XMLParser gives no text of its own.
    static func describe(_ error: NSError, openElements: Int = 0) -> String {
        // libxml2 calls the end of a part cut short "extra content at the end" (code 5): the Linux
        // XMLParser never tells it the input has ended.
        if error.code == 5 && openElements > 0 {
            return "the part ends before its elements are closed (truncated?) (libxml2 error 5)"
        }
        let known: [Int: String] = [
            4: "the document is empty",
            5: "extra content after the root element",
            6: "an invalid character reference",
            7: "an invalid character reference",
            8: "an invalid character reference",
            9: "an invalid character",
            23: "an entity reference without ';'",
            26: "an undefined entity",
            31: "an unknown encoding",
            32: "an unsupported encoding",
            34: "an unterminated string",
            38: "'<' inside an attribute value",
            39: "an attribute value without quotes",
            40: "an unterminated attribute value",
            41: "an attribute without a value",
            42: "an attribute is repeated",
            45: "an unterminated comment",
            46: "a malformed processing instruction",
            47: "an unterminated processing instruction",
            63: "an unterminated CDATA section",
            64: "a misplaced XML declaration",
            65: "a space is required",
            68: "a name was expected",
            73: "'>' expected",
            76: "an end tag does not match its start tag",
            77: "the document ends before its tags are closed",
            201: "an undefined namespace prefix",
            202: "a malformed qualified name",
            203: "an attribute is repeated",
        ]
        if let text = known[error.code] { return "\(text) (libxml2 error \(error.code))" }
        if let text = error.userInfo[NSLocalizedDescriptionKey] as? String, !text.isEmpty, !text.hasPrefix("The operation") {
            return text
        }
        return "XML parser error \(error.code)"
    }

    /// Refuses a DOCTYPE (any `<!` other than a comment before the root element) and anything that is
    /// not UTF-8 (a BOM-less UTF-16 or EBCDIC part, or an `encoding` other than UTF-8), so the bytes
    /// checked here are the characters the parser reads.
    static func checkProlog(_ data: Data, context: PartContext) throws(XlsxReaderError) {
        let result: XlsxReaderError? = data.withUnsafeBytes { raw -> XlsxReaderError? in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            let n = b.count
            func position(_ at: Int) -> (Int, Int) {
                var line = 1
                var column = 1
                var k = 0
                while k < at && k < n {
                    if b[k] == 0x0A { line += 1; column = 1 } else if b[k] & 0xC0 != 0x80 { column += 1 }
                    k += 1
                }
                return (line, column)
            }
            func malformed(_ at: Int, _ reason: String) -> XlsxReaderError {
                let (line, column) = position(at)
                return .malformedXML(part: context.part, sheet: context.sheet, line: line, column: column, reason: reason)
            }
            func starts(_ text: String, at: Int) -> Bool {
                var k = at
                for c in text.utf8 {
                    guard k < n, b[k] == c else { return false }
                    k += 1
                }
                return true
            }
            func find(_ text: String, from: Int) -> Int? {
                var k = from
                while k < n {
                    if starts(text, at: k) { return k }
                    k += 1
                }
                return nil
            }
            if n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)) {
                return malformed(0, "UTF-16 parts are not supported (Office writes UTF-8)")
            }
            if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
            while true {
                while i < n && (b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D) { i += 1 }
                if i >= n { return nil }  // empty: the parser reports it
                guard b[i] == UInt8(ascii: "<") else {
                    return malformed(i, "the part does not start with '<' (only UTF-8 XML is read)")
                }
                if starts("<?", at: i) {
                    guard let end = find("?>", from: i + 2) else { return nil }
                    if starts("<?xml", at: i), i + 5 < n, [0x20, 0x09, 0x0A, 0x0D].contains(b[i + 5]) {
                        let decl = String(decoding: UnsafeBufferPointer(rebasing: b[i..<end]), as: UTF8.self)
                        if let encoding = Self.attribute("encoding", in: decl) {
                            let e = encoding.lowercased()
                            guard e == "utf-8" || e == "utf8" else {
                                return malformed(i, "encoding '\(encoding)' is not supported (Office writes UTF-8)")
                            }
                        }
                    }
                    i = end + 2
                } else if starts("<!--", at: i) {
                    guard let end = find("-->", from: i + 4) else { return nil }
                    i = end + 3
                } else if starts("<!", at: i) {
                    let (line, column) = position(i)
                    return .doctypeRefused(part: context.part, sheet: context.sheet, line: line, column: column)
                } else {
                    return nil  // the root element
                }
            }
        }
        if let result { throw result }
    }

    private static func attribute(_ name: String, in declaration: String) -> String? {
        guard let range = declaration.range(of: name) else { return nil }
        var rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "\t" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        rest = rest.dropFirst()
        guard let end = rest.firstIndex(of: quote) else { return nil }
        return String(rest[..<end])
    }
}

/// Decodes ECMA-376 ST_Xstring escapes: `_xHHHH_` is the UTF-16 code unit HHHH (`_x005F_` is `_`, so
/// `_x005F_x0041_` reads `_x0041_`); escaped surrogate pairs are joined, a lone surrogate becomes U+FFFD.
func decodeXString(_ text: String) -> String {
    guard text.utf8.contains(UInt8(ascii: "_")) else { return text }
    let units = Array(text.utf16)
    var out: [UInt16] = []
    out.reserveCapacity(units.count)
    var i = 0
    var changed = false
    func hex(_ u: UInt16) -> UInt16? {
        switch u {
        case 0x30...0x39: return u - 0x30
        case 0x41...0x46: return u - 0x41 + 10
        case 0x61...0x66: return u - 0x61 + 10
        default: return nil
        }
    }
    while i < units.count {
        if units[i] == 0x5F, i + 6 < units.count, units[i + 1] == 0x78, units[i + 6] == 0x5F,
           let a = hex(units[i + 2]), let b = hex(units[i + 3]), let c = hex(units[i + 4]), let d = hex(units[i + 5]) {
            out.append(a << 12 | b << 8 | c << 4 | d)
            i += 7
            changed = true
        } else {
            out.append(units[i])
            i += 1
        }
    }
    return changed ? String(decoding: out, as: UTF16.self) : text
}
