import Foundation

/// `multipart/form-data` bodies (a form with a file): the parts' names, file names and bytes. Small and strict:
/// anything malformed is refused, nothing is guessed.
enum Multipart {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var data: [UInt8]
    }

    /// The boundary of a `multipart/form-data; boundary=…` content type.
    static func boundary(_ contentType: String?) -> String? {
        guard let ct = contentType, ct.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for param in ct.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                let b = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(b.utf8.count) ? b : nil
            }
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: String) -> [Part]? {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard var i = find(delimiter, in: body, from: 0) else { return nil }
        i += delimiter.count
        while i + 1 < body.count {
            if body[i] == UInt8(ascii: "-") && body[i + 1] == UInt8(ascii: "-") { return parts }   // the closing delimiter
            guard body[i] == 0x0D, body[i + 1] == 0x0A else { return nil }
            i += 2
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: i) else { return nil }
            let headers = String(decoding: body[i..<headerEnd], as: UTF8.self)
            let start = headerEnd + 4
            guard let next = find(Array("\r\n".utf8) + delimiter, in: body, from: start) else { return nil }
            var name: String?, filename: String?
            for line in headers.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: line)
                filename = parameter("filename", in: line)
            }
            guard let name else { return nil }
            parts.append(Part(name: name, filename: filename, data: Array(body[start..<next])))
            guard parts.count <= 64 else { return nil }
            i = next + 2 + delimiter.count
        }
        return nil
    }

    static func parameter(_ key: String, in line: String) -> String? {
        guard let r = line.range(of: "; \(key)=\"") else { return nil }
        let rest = line[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
