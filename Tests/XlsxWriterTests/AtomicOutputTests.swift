import Foundation
import Testing
@testable import XlsxWriter

extension XlsxWriterTests {
    @Suite("Atomic output")
    struct AtomicOutputTests {
        @Test("a successful close replaces the target and leaves no temporary file")
        func success() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let target = folder.appendingPathComponent("report.xlsx")
            try Data("old".utf8).write(to: target)
            let wb = try Workbook(atomicOutput: target, options: testOptions())
            let ws = try wb.addWorksheet(name: "S")
            try ws.write("new", row: 0, col: 0)
            // While open, the target is untouched and nothing has been written yet.
            #expect(try Data(contentsOf: target) == Data("old".utf8))
            try wb.close()
            #expect(try folderContents(folder) == ["report.xlsx"])
            #expect(try readBack(target)["S"]?["A1"]?.value == .string("new"))
        }

        @Test("a target that is a directory is refused up front, naming the path")
        func targetIsDirectory() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let target = folder.appendingPathComponent("dir.xlsx")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
            #expect(throws: XlsxError.outputIsDirectory(path: target.path)) { try Workbook(atomicOutput: target, options: testOptions()) }
            #expect(throws: XlsxError.outputIsDirectory(path: target.path)) { try Workbook(path: target.path, options: testOptions()) }
            #expect(try folderContents(folder) == ["dir.xlsx"])
        }

        @Test("a folder that appears in the way before close fails cleanly")
        func directoryAppearsBeforeClose() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let target = folder.appendingPathComponent("late.xlsx")
            let wb = try Workbook(atomicOutput: target, options: testOptions())
            try wb.addWorksheet(name: "S").write("x", row: 0, col: 0)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
            #expect(throws: XlsxError.outputIsDirectory(path: target.path)) { try wb.close() }
            #expect(try folderContents(folder) == ["late.xlsx"])
            #expect(try folderContents(target) == [])
        }

        @Test("a missing folder is refused up front, naming the folder")
        func missingFolder() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let missing = folder.appendingPathComponent("no/such")
            let target = missing.appendingPathComponent("x.xlsx")
            #expect(throws: XlsxError.outputFolderMissing(path: missing.path)) { try Workbook(atomicOutput: target, options: testOptions()) }
            #expect(throws: XlsxError.outputFolderMissing(path: missing.path)) { try Workbook(path: target.path, options: testOptions()) }
            let error = XlsxError.outputFolderMissing(path: missing.path)
            #expect(error.description.contains(missing.path))
        }

        @Test("a regular file where the folder should be is refused, naming it")
        func fileInsteadOfFolder() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let file = folder.appendingPathComponent("plain")
            try Data("x".utf8).write(to: file)
            let target = file.appendingPathComponent("x.xlsx")
            #expect(throws: XlsxError.outputFolderMissing(path: file.path)) { try Workbook(atomicOutput: target, options: testOptions()) }
        }

        @Test("an unwritable folder is refused up front", .enabled(if: geteuid() != 0,
              "running as root: permission bits do not stop root, so chmod cannot make a folder unwritable"))
        func unwritableFolder() throws {
            let folder = try makeTempFolder()
            defer {
                chmod(folder.path, 0o755)
                cleanup(folder)
            }
            chmod(folder.path, 0o555)
            let target = folder.appendingPathComponent("x.xlsx")
            #expect(throws: XlsxError.outputFolderNotWritable(path: folder.path)) { try Workbook(atomicOutput: target, options: testOptions()) }
        }

        @Test("a failing close leaves an existing file untouched and no temporary file behind", arguments: [true, false])
        func failingClose(constantMemory: Bool) throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let target = folder.appendingPathComponent("keep.xlsx")
            try Data("precious".utf8).write(to: target)
            let wb = try Workbook(atomicOutput: target, options: testOptions(constantMemory: constantMemory))
            let temporary = URL(fileURLWithPath: wb.writePath)
            #expect(temporary.deletingLastPathComponent().path == folder.path)
            #expect(temporary.lastPathComponent.hasPrefix(".keep.tmp-\(getpid())-"))
            #expect(temporary.pathExtension == "xlsx")
            let ws = try wb.addWorksheet(name: "S")
            for r in 0..<10 { try ws.write("row \(r)", row: r, col: 0) }
            // Make libxlsxwriter's own write fail: put a folder where it will create the file.
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
            #expect {
                try wb.close()
            } throws: { error in
                guard case XlsxError.library(let operation, nil, nil, let cause) = error else { return false }
                return operation.hasPrefix("close") && cause.contains("creating output xlsx file")
            }
            #expect(try Data(contentsOf: target) == Data("precious".utf8))
            try FileManager.default.removeItem(at: temporary)
            #expect(try folderContents(folder) == ["keep.xlsx"])
            #expect(throws: XlsxError.closed(operation: "close")) { try wb.close() }
        }

        @Test("dropping an unclosed atomic workbook leaves an existing file untouched")
        func dropUnclosed() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let target = folder.appendingPathComponent("keep.xlsx")
            try Data("precious".utf8).write(to: target)
            do {
                let wb = try Workbook(atomicOutput: target, options: testOptions(constantMemory: false))
                try wb.addWorksheet(name: "S").write("x", row: 0, col: 0)
            }
            #expect(try Data(contentsOf: target) == Data("precious".utf8))
            #expect(try folderContents(folder) == ["keep.xlsx"])
        }
    }
}
