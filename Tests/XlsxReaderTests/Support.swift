import Foundation
import Testing
import ZIPFoundation
@testable import XlsxReader

// MARK: - Folders and processes

/// A fresh folder for one test, removed by the caller with `cleanup`.
func makeTempFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("xlsxreader-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func cleanup(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}

struct ProcessFailed: Error, CustomStringConvertible {
    let description: String
}

/// Runs a program found on PATH with a deadline; throws when it fails or times out.
@discardableResult
func run(_ arguments: [String], in folder: URL, timeout: TimeInterval = 180) throws -> String {
    let outURL = folder.appendingPathComponent("stdout-\(UUID().uuidString).txt")
    let errURL = folder.appendingPathComponent("stderr-\(UUID().uuidString).txt")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = folder
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        throw ProcessFailed(description: "\(arguments.joined(separator: " ")) timed out")
    }
    process.waitUntilExit()
    try out.close()
    try err.close()
    let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    guard process.terminationStatus == 0 else {
        throw ProcessFailed(description: "\(arguments.first ?? "") failed (\(process.terminationStatus)): \(stderr)")
    }
    return stdout
}

/// Runs a Python script (openpyxl is installed by scripts/setup.sh --test) with `args`.
func runPython(_ script: String, args: [String], in folder: URL) throws {
    let scriptURL = folder.appendingPathComponent("script-\(UUID().uuidString).py")
    try script.write(to: scriptURL, atomically: true, encoding: .utf8)
    try run(["python3", scriptURL.path] + args, in: folder)
}

/// The path of LibreOffice's `soffice`, when it is installed.
let sofficePath: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
        let candidate = "\(folder)/soffice"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}()

/// Converts `input` to .xlsx with LibreOffice (its own xlsx writer); soffice exits 0 even when it
/// fails, so the output's existence is checked.
func convertWithLibreOffice(_ input: URL, in folder: URL) throws -> URL {
    let outDir = folder.appendingPathComponent("lo-out-\(UUID().uuidString)", isDirectory: true)
    let profile = folder.appendingPathComponent("lo-profile-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
    try run([sofficePath ?? "soffice", "-env:UserInstallation=\(profile.absoluteString)", "--headless",
             "--convert-to", "xlsx", "--outdir", outDir.path, input.path], in: folder, timeout: 300)
    let output = outDir.appendingPathComponent(input.deletingPathExtension().lastPathComponent + ".xlsx")
    guard FileManager.default.fileExists(atPath: output.path) else {
        throw ProcessFailed(description: "soffice did not write \(output.path)")
    }
    return output
}

// MARK: - Zips

/// Writes a zip with ZIPFoundation; entries in order.
func writeZip(_ entries: [(String, Data)], to url: URL, compression: CompressionMethod = .deflate) throws {
    try? FileManager.default.removeItem(at: url)
    let archive = try Archive(url: url, accessMode: .create)
    for (name, data) in entries {
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count),
                             modificationDate: Date(timeIntervalSince1970: 1_700_000_000),
                             compressionMethod: compression) { position, size in
            data.subdata(in: Int(position)..<(Int(position) + size))
        }
    }
}

/// Offsets of every occurrence of a 4-byte little-endian signature.
func offsets(of signature: UInt32, in bytes: [UInt8]) -> [Int] {
    let s = [UInt8(signature & 0xFF), UInt8(signature >> 8 & 0xFF), UInt8(signature >> 16 & 0xFF), UInt8(signature >> 24)]
    var found: [Int] = []
    var i = 0
    while i + 4 <= bytes.count {
        if bytes[i] == s[0] && bytes[i + 1] == s[1] && bytes[i + 2] == s[2] && bytes[i + 3] == s[3] { found.append(i) }
        i += 1
    }
    return found
}

func putU32(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
    for k in 0..<4 { bytes[offset + k] = UInt8(value >> (8 * UInt32(k)) & 0xFF) }
}

// MARK: - Hand-made workbooks

/// A workbook built part by part, for cases the writers never produce (or produce only in Excel or WPS).
struct HandMadeWorkbook {
    struct Sheet {
        var name: String
        var body: String  // the content of <sheetData>, or a whole worksheet when `raw`
        var state: String?
        var raw = false
        var part: String?
    }

    var sheets: [Sheet] = []
    var sharedStrings: [String]? = nil  // raw <si> bodies
    var styles: String? = nil  // raw styles.xml
    var date1904 = false
    /// Replaces parts wholesale (name → content) after the generated ones.
    var overrides: [String: String] = [:]
    /// Parts left out.
    var omit: Set<String> = []
    /// Relationship targets written as absolute "/xl/..." paths.
    var absoluteTargets = false

    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let officeRels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    func parts() -> [(String, Data)] {
        var parts: [(String, String)] = []
        var overridesXML = ""
        for (i, sheet) in sheets.enumerated() {
            let part = sheet.part ?? "xl/worksheets/sheet\(i + 1).xml"
            overridesXML += "<Override PartName=\"/\(part)\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        parts.append(("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\(overridesXML)</Types>
            """))
        parts.append(("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(Self.officeRels)/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """))
        var sheetsXML = ""
        var relsXML = ""
        for (i, sheet) in sheets.enumerated() {
            let state = sheet.state.map { " state=\"\($0)\"" } ?? ""
            sheetsXML += "<sheet name=\"\(sheet.name)\" sheetId=\"\(i + 1)\"\(state) r:id=\"rId\(i + 1)\"/>"
            let part = sheet.part ?? "xl/worksheets/sheet\(i + 1).xml"
            let target = absoluteTargets ? "/\(part)" : String(part.dropFirst(3))
            relsXML += "<Relationship Id=\"rId\(i + 1)\" Type=\"\(Self.officeRels)/worksheet\" Target=\"\(target)\"/>"
            if sheet.part == nil || !parts.contains(where: { $0.0 == part }) {
                let xml = sheet.raw ? sheet.body : """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <worksheet xmlns="\(Self.main)" xmlns:r="\(Self.officeRels)"><sheetData>\(sheet.body)</sheetData></worksheet>
                    """
                parts.append((part, xml))
            }
        }
        if sharedStrings != nil {
            relsXML += "<Relationship Id=\"rId100\" Type=\"\(Self.officeRels)/sharedStrings\" Target=\"\(absoluteTargets ? "/xl/" : "")sharedStrings.xml\"/>"
        }
        if styles != nil {
            relsXML += "<Relationship Id=\"rId101\" Type=\"\(Self.officeRels)/styles\" Target=\"\(absoluteTargets ? "/xl/" : "")styles.xml\"/>"
        }
        let pr = date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>"
        parts.append(("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="\(Self.main)" xmlns:r="\(Self.officeRels)">\(pr)<sheets>\(sheetsXML)</sheets></workbook>
            """))
        parts.append(("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(relsXML)</Relationships>
            """))
        if let sharedStrings {
            let items = sharedStrings.map { "<si>\($0)</si>" }.joined()
            parts.append(("xl/sharedStrings.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <sst xmlns="\(Self.main)" count="\(sharedStrings.count)" uniqueCount="\(sharedStrings.count)">\(items)</sst>
                """))
        }
        if let styles { parts.append(("xl/styles.xml", styles)) }
        var result = parts.filter { !omit.contains($0.0) }
        for (name, content) in overrides.sorted(by: { $0.key < $1.key }) {
            if let i = result.firstIndex(where: { $0.0 == name }) {
                result[i].1 = content
            } else {
                result.append((name, content))
            }
        }
        return result.map { ($0.0, Data($0.1.utf8)) }
    }

    func write(to url: URL) throws {
        try writeZip(parts(), to: url)
    }
}

/// styles.xml with cellXfs: 0 General, 1 yyyy-mm-dd (custom 164), 2 built-in 14, 3 text "@" (49),
/// 4 built-in 31 (Chinese Excel's yyyy"年"m"月"d"日"), 5 0.00, 6 [h]:mm (custom 165), 7 quoted "d" (166).
let testStyles = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <styleSheet xmlns="\(HandMadeWorkbook.main)"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="[h]:mm"/><numFmt numFmtId="166" formatCode="0.0&quot;d&quot;"/></numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="8"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="49" applyNumberFormat="1"/><xf numFmtId="31" applyNumberFormat="1"/><xf numFmtId="2" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/><xf numFmtId="166" applyNumberFormat="1"/></cellXfs><dxfs count="1"><dxf><numFmt numFmtId="167" formatCode="yyyy"/></dxf></dxfs></styleSheet>
    """

/// Opens a workbook, expecting success.
func openBook(_ url: URL, limits: XlsxLimits = .default) throws -> XlsxWorkbook {
    try XlsxWorkbook.open(url: url, limits: limits)
}

/// Opens a workbook, expecting an `XlsxReaderError`; returns it.
func openFailure(_ url: URL, limits: XlsxLimits = .default,
                 sourceLocation: SourceLocation = #_sourceLocation) -> XlsxReaderError? {
    do {
        let book = try XlsxWorkbook.open(url: url, limits: limits)
        Issue.record("expected an error, read \(book.sheets.count) sheet(s)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
