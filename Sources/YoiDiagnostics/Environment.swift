import Foundation

/// Every environment variable yoi reads: the one table (docs/running.md lists them, and a
/// test keeps the sources from reading any other way).
public enum EnvironmentKey: String, Sendable, CaseIterable {
  case home = "HOME"
  case path = "PATH"
  case term = "TERM"
  case noColor = "NO_COLOR"
  case user = "USER"
  case xdgConfigHome = "XDG_CONFIG_HOME"
  case codexHome = "CODEX_HOME"
  case yoiHome = "YOI_HOME"
  case yoiConfigDirectory = "YOI_CONFIG_DIR"
  case yoiDataDirectory = "YOI_DATA_DIR"
  case yoiSecretKey = "YOI_SECRET_KEY"
  case yoiTrustProject = "YOI_TRUST_PROJECT"
  case yoiSandbox = "YOI_SANDBOX"
  case yoiStreamIdleSeconds = "YOI_STREAM_IDLE_SECONDS"
  case yoiStreamMaxBytes = "YOI_STREAM_MAX_BYTES"
  case yoiMCPStartSeconds = "YOI_MCP_START_SECONDS"
  case yoiMCPCallIdleSeconds = "YOI_MCP_CALL_IDLE_SECONDS"
  case yoiNix = "YOI_NIX"
  /// Tests only: addresses web_fetch treats as public (the stub servers are on loopback).
  case yoiTestPublicAddresses = "YOI_TEST_PUBLIC_ADDRESSES"
  /// Tests only: a marker file the store waits on inside a transaction.
  case yoiTestPauseInTransaction = "YOI_TEST_PAUSE_IN_TRANSACTION"

  /// What yoi does with it, for the docs.
  public var summary: String {
    switch self {
    case .home: "the home directory (default directories, `~/.codex`)"
    case .path: "where the shell tool finds programs (only the entries its sandbox can see)"
    case .term: "`dumb` turns colour off"
    case .noColor: "any value turns colour off"
    case .xdgConfigHome: "config directory base when YOI_CONFIG_DIR and YOI_HOME are unset"
    case .codexHome: "where the Codex CLI keeps its sign-in (`codex_oauth`)"
    case .yoiHome: "data directory, and `config/` below it"
    case .yoiConfigDirectory: "config directory"
    case .yoiDataDirectory: "data directory (Pod store, secrets, run locks)"
    case .yoiSecretKey: "the secret store's key, instead of the key file"
    case .yoiTrustProject: "`1` trusts project profiles without asking"
    case .yoiSandbox: "`landlock` runs the shell under Landlock alone"
    case .yoiStreamIdleSeconds: "seconds a model stream may stay silent (default 120)"
    case .yoiStreamMaxBytes: "largest model stream in bytes (default 64 MiB)"
    case .user: "the author yoi ticket writes into a ticket's events"
    case .yoiMCPStartSeconds: "seconds an MCP server has to initialise and list its tools (default 10)"
    case .yoiMCPCallIdleSeconds: "seconds an MCP tool call may go without an answer or a progress notification before it is cancelled (default 300)"
    case .yoiNix: "the nix program `yoi profile migrate` runs"
    case .yoiTestPublicAddresses: "tests only"
    case .yoiTestPauseInTransaction: "tests only"
    }
  }
}

/// A snapshot of the environment, read only through `EnvironmentKey`.
public struct Environment: Sendable, Hashable, ExpressibleByDictionaryLiteral {
  public let values: [String: String]

  public init(_ values: [String: String]) {
    self.values = values
  }

  public init(dictionaryLiteral elements: (String, String)...) {
    values = Dictionary(elements, uniquingKeysWith: { $1 })
  }

  /// This process's environment.
  public static var process: Environment { Environment(ProcessInfo.processInfo.environment) }

  /// The value of `key`; an empty value reads as unset.
  public subscript(key: EnvironmentKey) -> String? {
    values[key.rawValue].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// A variable a profile names for a credential (`model.auth`): the one read of a name
  /// outside the table, made when a request is built. Empty reads as unset.
  public func credentialVariable(_ name: String) -> String? {
    values[name].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The home directory.
  public var home: String { self[.home] ?? NSHomeDirectory() }
}
