import Foundation

/// Runs a harness: under libFuzzer (`-DFUZZING`), or over files and folders (replay).
public enum FuzzDriver {
    /// The harness libFuzzer calls (set before the driver starts; read-only after).
    nonisolated(unsafe) static var current: (@Sendable (UnsafeBufferPointer<UInt8>) -> Void)? = nil

    #if FUZZING
        @_silgen_name("LLVMFuzzerRunDriver")
        static func runDriver(
            _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
            _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
        ) -> Int32
    #endif

    /// The executable's whole job: `fuzz-NAME [libFuzzer flags | files…]`.
    public static func main(_ name: String) -> Never {
        guard let harness = Harness.all[name] else {
            FileHandle.standardError.write(Data("no harness `\(name)`\n".utf8))
            exit(2)
        }
        #if FUZZING
            current = harness
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(runDriver(&argc, &argv, fuzzOne))
        #else
            let files = replayFiles(Array(CommandLine.arguments.dropFirst()))
            for f in files { replay(f, harness) }
            print("fuzz-\(name): replayed \(files.count) inputs")
            exit(0)
        #endif
    }

    #if FUZZING
        static let fuzzOne: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32 = { data, size in
            let empty: [UInt8] = []
            if let data {
                current?(UnsafeBufferPointer(start: data, count: size))
            } else {
                empty.withUnsafeBufferPointer { current?($0) }
            }
            return 0
        }
    #endif

    /// Every regular file under the paths given (folders walked), sorted.
    public static func replayFiles(_ paths: [String]) -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                let subs = (try? FileManager.default.subpathsOfDirectory(atPath: p)) ?? []
                for s in subs.sorted() {
                    let full = (p as NSString).appendingPathComponent(s)
                    var d: ObjCBool = false
                    if FileManager.default.fileExists(atPath: full, isDirectory: &d), !d.boolValue { out.append(full) }
                }
            } else {
                out.append(p)
            }
        }
        return out
    }

    public static func replay(_ path: String, _ harness: @Sendable (UnsafeBufferPointer<UInt8>) -> Void) {
        let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        bytes.withUnsafeBufferPointer { harness($0) }
    }
}

#if FUZZING
    /// libFuzzer's object files want this symbol even though `FuzzDriver.main` drives the run.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { FuzzDriver.fuzzOne(data, size) }
#endif
