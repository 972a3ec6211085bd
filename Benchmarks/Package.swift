// swift-tools-version: 6.1
// In-process benchmarks (ordo-one/benchmark). Run with `make bench`; kept out of the main
// package so `make test` never builds the benchmark harness.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its directory, which is whatever the clone is called.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
  name: "yoi-benchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    // A loop of resolves for `make profile-resolve` (perf needs plain stacks).
    .executableTarget(
      name: "ResolveLoop", dependencies: [.product(name: "YoiKit", package: rootPackage)], path: "Benchmarks/ResolveLoop"),
    .executableTarget(
      name: "YoiBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "YoiKit", package: rootPackage),
      ],
      path: "Benchmarks/YoiBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  ]
)
