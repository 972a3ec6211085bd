public import YoiDiagnostics

/// A Pod's name, checked: `[A-Za-z0-9._-]+`, not `.` or `..`. A name is used in file paths
/// (the run lock), so nothing takes a raw string where a Pod is meant.
public struct PodName: Sendable, Hashable, CustomStringConvertible {
  public let rawValue: String

  /// - Throws: `YoiError` (`E-POD-NAME`) for a name that is not valid.
  public init(_ text: String) throws(YoiError) {
    guard Self.isValid(text) else {
      throw YoiError(
        "invalid Pod name `\(TerminalText.inline(text))`", code: .podName, help: ["use letters, digits, `.`, `_` and `-` (not `.` or `..`)"])
    }
    rawValue = text
  }

  public var description: String { rawValue }

  /// `[A-Za-z0-9._-]+`, not `.` or `..`.
  public static func isValid(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".."
      && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
  }
}
