// swift-tools-version: 6.1
import PackageDescription

/// Boundaries the compiler checks on every Swift target: an import is internal unless it says
/// `public import`, a member is visible only from a module the file imports, and an
/// existential is spelled `any`.
let strictBoundaries: [SwiftSetting] = [
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
  name: "yoi",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "yoi", targets: ["yoi"]),
    // The shell's sandbox helper, installed beside yoi (small and static: it starts in well
    // under a millisecond where yoi itself takes several).
    .executable(name: "yoi-sandbox", targets: ["yoi-sandbox"]),
    // For the benchmark package in Benchmarks/ (kept separate so tests never build it).
    .library(
      name: "YoiKit",
      targets: ["YoiLua", "YoiManifest", "YoiDiagnostics", "YoiProfiles", "YoiProviders", "YoiTools", "YoiAgent", "YoiStore", "YoiStubProvider"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
  ],
  targets: [
    // Debian's Lua 5.4, found through pkg-config; no foreign source is vendored.
    .systemLibrary(
      name: "CLua",
      pkgConfig: "lua5.4",
      providers: [.apt(["liblua5.4-dev"])]
    ),
    // Every Lua API call that can raise lives here, under a protected call.
    .target(name: "YoiCLua", dependencies: ["CLua"]),
    .target(name: "YoiDiagnostics"),
    // Reaches Lua only through YoiCLua: no Swift file can call a raising lua_* function.
    .target(name: "YoiLua", dependencies: ["YoiCLua", "YoiDiagnostics"]),
    .target(name: "YoiManifest", dependencies: ["YoiDiagnostics"]),
    .target(
      name: "YoiProfiles",
      dependencies: ["YoiLua", "YoiManifest", "YoiDiagnostics"]),
    // The Pod store (SQLite through GRDB) and the encrypted secret store.
    .target(
      name: "YoiStore",
      dependencies: [
        "YoiManifest", "YoiDiagnostics",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // Services the commands call: spawn, delegation, re-resolve, trust decisions.
    .target(name: "YoiPods", dependencies: ["YoiProfiles", "YoiStore", "YoiManifest", "YoiDiagnostics", "YoiAgent", "YoiTools", "YoiProviders"]),
    // The runtime: never imports YoiProfiles or YoiLua, so running a Pod cannot evaluate a profile.
    .target(
      name: "YoiProviders",
      dependencies: [
        "YoiManifest", "YoiDiagnostics",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]),
    // Landlock for the shell tool: the C calls, and the policy built from a Pod's scope.
    .target(name: "YoiCSandbox"),
    .target(name: "YoiSandbox", dependencies: ["YoiCSandbox"]),
    // The terminal: colour, width, raw mode and its restoring, for every interactive command.
    .target(name: "YoiTerminal", dependencies: ["YoiDiagnostics"]),
    .executableTarget(name: "yoi-sandbox", dependencies: ["YoiCSandbox"], linkerSettings: [.unsafeFlags(["-static-executable"])]),
    .target(
      name: "YoiTools",
      dependencies: [
        "YoiManifest", "YoiDiagnostics", "YoiProviders", "YoiSandbox",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
      ]),
    .target(name: "YoiAgent", dependencies: ["YoiProviders", "YoiTools", "YoiSandbox", "YoiStore", "YoiManifest", "YoiDiagnostics"]),
    .target(
      name: "YoiCLI",
      dependencies: [
        "YoiLua", "YoiDiagnostics", "YoiManifest", "YoiProfiles", "YoiStore", "YoiPods", "YoiAgent", "YoiProviders", "YoiTools", "YoiTerminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "yoi", dependencies: ["YoiCLI"]),
    // A scripted provider on loopback: the tests' model, and the demo's when no real one is configured.
    .target(name: "YoiStubProvider", dependencies: ["YoiManifest"]),
    .executableTarget(name: "yoi-stub-provider", dependencies: ["YoiStubProvider", "YoiManifest"]),
    .testTarget(
      name: "YoiLuaTests", dependencies: ["YoiLua", "YoiDiagnostics"], exclude: ["Fixtures"]),
    .testTarget(name: "YoiManifestTests", dependencies: ["YoiManifest", "YoiDiagnostics"]),
    .testTarget(name: "YoiStoreTests", dependencies: ["YoiStore", "YoiManifest", "YoiDiagnostics"]),
    .testTarget(
      name: "YoiProfilesTests", dependencies: ["YoiProfiles", "YoiManifest", "YoiLua", "YoiDiagnostics"],
      exclude: ["Fixtures", "Snapshots", "Hostile"]),
    .testTarget(
      name: "YoiCLITests", dependencies: ["YoiCLI", "yoi", "yoi-sandbox", "YoiStubProvider", "YoiManifest", "YoiDiagnostics", "YoiStore"], exclude: ["Fixtures"]
    ),
    .testTarget(
      name: "YoiRuntimeTests", dependencies: ["YoiProviders", "YoiTools", "YoiAgent", "YoiManifest", "YoiDiagnostics", "YoiStore", "YoiStubProvider"]),
  ],
  swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system && !["YoiCLua", "YoiCSandbox", "yoi-sandbox"].contains(target.name) {
  target.swiftSettings = (target.swiftSettings ?? []) + strictBoundaries
}
