/// Every stable diagnostic code yoi prints (errors `E-`, warnings `W-`); `docs/diagnostics.md` explains each (a test keeps
/// the two lists equal).
public enum DiagnosticCode: String, Sendable, Hashable, CaseIterable {
  case compaction = "E-COMPACTION"
  case delegation = "E-DELEGATION"
  case explain = "E-EXPLAIN"
  case file = "E-FILE"
  case instruction = "E-INSTRUCTION"
  case luaLimit = "E-LUA-LIMIT"
  case luaRuntime = "E-LUA-RUNTIME"
  case luaSetup = "E-LUA-SETUP"
  case luaSyntax = "E-LUA-SYNTAX"
  case luaValue = "E-LUA-VALUE"
  case luaWatchdog = "E-LUA-WATCHDOG"
  case manifest = "E-MANIFEST"
  case manifestSecret = "E-MANIFEST-SECRET"
  case memory = "E-MEMORY"
  case ticket = "E-TICKET"
  case maxTurns = "E-MAX-TURNS"
  case migrate = "E-MIGRATE"
  case migrateNoNix = "E-MIGRATE-NO-NIX"
  case models = "E-MODELS"
  case new = "E-NEW"
  case noTty = "E-NO-TTY"
  case podBusy = "E-POD-BUSY"
  case podChildren = "E-POD-CHILDREN"
  case podExists = "E-POD-EXISTS"
  case podName = "E-POD-NAME"
  case podNotFound = "E-POD-NOT-FOUND"
  case profileEncoding = "E-PROFILE-ENCODING"
  case profileField = "E-PROFILE-FIELD"
  case profileFile = "E-PROFILE-FILE"
  case profileNix = "E-PROFILE-NIX"
  case profileNotFound = "E-PROFILE-NOT-FOUND"
  case profileNotLua = "E-PROFILE-NOT-LUA"
  case profileSecret = "E-PROFILE-SECRET"
  case provider = "E-PROVIDER"
  case providerAuth = "E-PROVIDER-AUTH"
  case providerConnection = "E-PROVIDER-CONNECTION"
  case providerStream = "E-PROVIDER-STREAM"
  case registry = "E-REGISTRY"
  case registryMissing = "E-REGISTRY-MISSING"
  case registryOutside = "E-REGISTRY-OUTSIDE"
  case reresolveNotApplied = "E-RERESOLVE-NOT-APPLIED"
  case role = "E-ROLE"
  case secretEmpty = "E-SECRET-EMPTY"
  case secretId = "E-SECRET-ID"
  case secretIntegrity = "E-SECRET-INTEGRITY"
  case secretKey = "E-SECRET-KEY"
  case secretMissing = "E-SECRET-MISSING"
  case secretStore = "E-SECRET-STORE"
  case selector = "E-SELECTOR"
  case selectorAmbiguous = "E-SELECTOR-AMBIGUOUS"
  case snapshot = "E-SNAPSHOT"
  case store = "E-STORE"
  case storeBusy = "E-STORE-BUSY"
  case storeCorrupt = "E-STORE-CORRUPT"
  case toml = "E-TOML"
  case transcript = "E-TRANSCRIPT"
  case trust = "E-TRUST"
  case usage = "E-USAGE"
  case workspace = "E-WORKSPACE"
  case warningInstruction = "W-INSTRUCTION"
  case warningModelUnknown = "W-MODEL-UNKNOWN"
  case warningRegistryNix = "W-REGISTRY-NIX"
  case warningRegistryOwner = "W-REGISTRY-OWNER"
  case warningSecretMissing = "W-SECRET-MISSING"
  case warningSkill = "W-SKILL"
  case warningMCP = "W-MCP"
}

/// The one error type of yoi: what went wrong as diagnostics, and the exit status the process
/// ends with when it reaches the command line. Every layer throws it; the command line
/// renders it once.
public struct YoiError: Error, Sendable, CustomStringConvertible {
  /// Every problem found, in the order found (at least one).
  public var diagnostics: [Diagnostic]
  /// The process's exit status: 1 for most failures, 2 for usage errors of a value, 3 when a
  /// run stopped at its turn limit, 64 for command-line usage.
  public var exitStatus: Int32

  public init(_ diagnostics: [Diagnostic], exitStatus: Int32 = 1) {
    self.diagnostics = diagnostics
    self.exitStatus = exitStatus
  }

  public init(_ diagnostic: Diagnostic, exitStatus: Int32 = 1) {
    self.init([diagnostic], exitStatus: exitStatus)
  }

  /// One error diagnostic.
  public init(
    _ message: String, code: DiagnosticCode, at location: SourceLocation? = nil, help: [String] = [], notes: [String] = [], exitStatus: Int32 = 1
  ) {
    self.init([.error(message, code: code, at: location, help: help, notes: notes)], exitStatus: exitStatus)
  }

  /// The code of the first diagnostic.
  public var code: DiagnosticCode? { diagnostics.first?.code }
  /// The message of the first diagnostic.
  public var message: String { diagnostics.first?.message ?? "" }

  public var description: String { DiagnosticRenderer(useColor: false).render(diagnostics) }
}
