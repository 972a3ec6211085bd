// A plain loop of in-process resolves of builtin:coder, for profilers: ordo-one/benchmark's
// harness hides the stacks `perf record` needs. `make profile-resolve` runs it under perf with
// DWARF unwinding (the system liblua has no frame pointers: without DWARF most of the Lua side
// is attributed to nothing). Its timings are a sanity check; the benchmark is the measure.
import Foundation
import YoiManifest
import YoiProfiles

let resolver = ProfileResolver(workingDirectory: "/tmp")
let inputs = ResolutionInputs(podName: "bench", workspace: "/tmp/bench-ws")
let count = Int(CommandLine.arguments.dropFirst().first ?? "20000") ?? 20000
let selector = ProfileSelector.qualified(source: .builtin, name: "coder")
var digest = ""
for _ in 0..<200 { digest = try resolver.resolve(selector, inputs: inputs).manifest.digest }
let clock = ContinuousClock()
var microseconds: [Double] = []
microseconds.reserveCapacity(count)
for _ in 0..<count {
  let start = clock.now
  digest = try resolver.resolve(selector, inputs: inputs).manifest.digest
  let elapsed = clock.now - start
  microseconds.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
}
microseconds.sort()
if !microseconds.isEmpty {
  let percentiles = [0, 25, 50, 75].map { String(format: "p%d %.0f", $0, microseconds[count * $0 / 100]) }
  print("resolve builtin:coder, \(count) times (µs): \(percentiles.joined(separator: ", ")); digest \(digest.prefix(12))")
}
