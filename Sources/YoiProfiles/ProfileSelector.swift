/// How a user names a profile (DESIGN.md §6), parsed in this order: `default`; `path:<p>`;
/// `builtin:|user:|project:<name>`; anything containing `/`, starting with `.`, or ending in
/// `.lua`/`.nix` is a path; else a bare name.
public enum ProfileSelector: Sendable, Hashable, CustomStringConvertible {
  case `default`
  case path(String)
  case qualified(source: RegistrySource, name: String)
  case bare(String)

  /// The kind of registry a qualified name points into.
  public enum RegistrySource: String, Sendable, Hashable, CaseIterable {
    case builtin
    case user
    case project
  }

  /// Parses a selector as typed.
  public static func parse(_ text: String) -> ProfileSelector {
    if text == "default" { return .default }
    if text.hasPrefix("path:") { return .path(String(text.dropFirst(5))) }
    for source in RegistrySource.allCases where text.hasPrefix(source.rawValue + ":") {
      return .qualified(source: source, name: String(text.dropFirst(source.rawValue.count + 1)))
    }
    if text.contains("/") || text.hasPrefix(".") || text.hasSuffix(".lua") || text.hasSuffix(".nix") { return .path(text) }
    return .bare(text)
  }

  public var description: String {
    switch self {
    case .default: "default"
    case .path(let path): path
    case .qualified(let source, let name): "\(source.rawValue):\(name)"
    case .bare(let name): name
    }
  }
}

/// The one rule for a registry entry's name (`profile new` writes names the registry reads):
/// a letter or `_` first, then letters, digits, `_` and `-`.
public enum ProfileName {
  public static func isValid(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
    return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
  }

  public static let rule = "a letter or `_` first, then letters, digits, `_` and `-`"
}
