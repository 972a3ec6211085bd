import YoiManifest
import YoiProfiles

/// The `--manifest` reader: any bytes as a TOML manifest, merged over builtin:default.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  do {
    let manifest = try ManifestFile.resolve(
      text: text, path: "/nonexistent-fuzz-dir/pod.toml", displayPath: "pod.toml",
      inputs: ResolutionInputs(podName: "fuzz", workspace: "/fuzz"), resolver: ProfileResolver(workingDirectory: "/"))
    // What is stored must load back byte for byte.
    precondition((try? PodManifest(snapshot: manifest.canonicalJSON, digest: manifest.digest)) == manifest, "snapshot does not round-trip")
  } catch {
    precondition(!error.diagnostics.isEmpty, "an error without a diagnostic")
  }
  return 0
}
