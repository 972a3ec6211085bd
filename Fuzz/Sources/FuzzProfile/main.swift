import YoiDiagnostics
import YoiManifest
import YoiProfiles

/// Lua value conversion and profile decoding: any bytes as a profile. It must end in a manifest
/// or a diagnostic; a crash, a hang past the deadline or a secret in a diagnostic is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProfile(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let source = ProfileSource.text(text, path: "/nonexistent-fuzz-dir/fuzz.lua", displayPath: "fuzz.lua")
  let resolver = ProfileResolver(workingDirectory: "/nonexistent-fuzz-dir")
  do {
    _ = try resolver.resolve(source, inputs: ResolutionInputs(podName: "fuzz", workspace: "/fuzz"))
  } catch {
    let rendered = DiagnosticRenderer(useColor: false).render(error.diagnostics)
    precondition(!rendered.isEmpty, "an error without a diagnostic")
    precondition(!rendered.contains("sk-FUZZSECRET"), "a secret reached a diagnostic")
  }
  return 0
}
