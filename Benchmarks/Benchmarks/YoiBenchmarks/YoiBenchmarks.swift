import Benchmark
import Foundation
import YoiLua
import YoiManifest
import YoiProfiles

/// A ~60-line profile-like table, the shape issue 3 sets its target on (the same file the
/// cold-process comparison with lua5.4 runs).
let profileLike = LuaChunk.text(
  (try? String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../fixtures/profile.lua").standardized.path, encoding: .utf8)) ?? "return {}",
  chunkName: "bench/profile.lua")

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident], maxDuration: .seconds(3))

  Benchmark("sandbox: create a fresh state") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try? LuaSandbox().evaluate(.text("return 1", chunkName: "empty.lua")))
    }
  }

  Benchmark("sandbox: evaluate a 60-line profile and convert") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try? LuaSandbox().evaluate(profileLike))
    }
  }

  let resolver = ProfileResolver(workingDirectory: "/tmp")
  let inputs = ResolutionInputs(podName: "bench", workspace: "/tmp/bench-ws")

  Benchmark("profile: resolve builtin:default (one evaluation)") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try? resolver.resolve(.qualified(source: .builtin, name: "default"), inputs: inputs))
    }
  }

  Benchmark("profile: resolve builtin:coder (imports default)") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try? resolver.resolve(.qualified(source: .builtin, name: "coder"), inputs: inputs))
    }
  }

  let manifest = try? resolver.resolve(.qualified(source: .builtin, name: "coder"), inputs: inputs).manifest
  Benchmark("manifest: canonical JSON + sha256 of builtin:coder") { benchmark in
    guard let manifest else { return }
    for _ in benchmark.scaledIterations {
      blackHole(SHA256.hex(CanonicalJSON.compact(.object(manifest.json)).utf8))
    }
  }
}
