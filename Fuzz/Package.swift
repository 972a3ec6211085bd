// swift-tools-version: 6.1
// libFuzzer targets (`make fuzz`). Built with `swift build --sanitize=fuzzer`, which instruments
// every target, yoi's libraries included; kept out of the main package so tests never build it.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its directory, which is whatever the clone is called.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

func fuzzer(_ name: String) -> Target {
  .executableTarget(
    name: name,
    dependencies: [.product(name: "YoiKit", package: rootPackage)],
    // libFuzzer provides main(); the target only defines LLVMFuzzerTestOneInput.
    swiftSettings: [.unsafeFlags(["-parse-as-library"])]
  )
}

let package = Package(
  name: "yoi-fuzz",
  dependencies: [.package(path: "..")],
  targets: ["FuzzProfile", "FuzzRegistry", "FuzzSelector", "FuzzManifest"].map(fuzzer)
)
