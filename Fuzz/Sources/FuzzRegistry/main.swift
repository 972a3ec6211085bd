import YoiProfiles

/// The registry TOML reader: any bytes as a `profiles.toml`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegistry(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  do {
    _ = try ProfileRegistry.parseRegistryFile(text: text, path: "/nonexistent-fuzz-dir/profiles.toml", source: .project)
  } catch {
    precondition(!error.diagnostics.isEmpty, "an error without a diagnostic")
  }
  return 0
}
