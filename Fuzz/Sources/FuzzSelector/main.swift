import YoiProfiles

/// The selector parser: parsing is total, and printing a parsed selector parses back to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSelector(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let selector = ProfileSelector.parse(text)
  if case .path = selector {} else {
    precondition(ProfileSelector.parse(selector.description) == selector, "selector does not round-trip: \(text)")
  }
  return 0
}
