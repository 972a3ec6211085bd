import Foundation
import Synchronization
import YoiDiagnostics
import YoiLua
import YoiManifest

/// Evaluates a profile's Lua in the sandbox with the authoring API installed, returning the
/// raw value it returned.
struct ProfileEvaluator: Sendable {
  var limits: LuaLimits = .default
  /// Imports nest (a role imports default); a bound keeps a mistake from recursing.
  var importDepth = 0
  static let maximumImportDepth = 8
  /// The longest profile reference or module name a host function looks at.
  static let maximumNameBytes = 256

  /// The value a profile returned and the local modules it loaded (for trust digests).
  struct Evaluation {
    var value: LuaValue
    var modules: [ModuleLocator.Module]
  }

  func evaluate(_ source: ProfileSource) throws(YoiError) -> LuaValue {
    try evaluateWithModules(source).value
  }

  func evaluateWithModules(_ source: ProfileSource) throws(YoiError) -> Evaluation {
    let prelude: LuaPrelude
    switch AuthoringPrelude.prelude {
    case .success(let compiled): prelude = compiled
    case .failure(let error): throw YoiError(error.diagnostics)
    }
    let log = EvaluationLog()
    let sandbox = LuaSandbox(limits: limits, preludes: [prelude], hostFunctions: hostFunctions(for: source, log: log))
    let argument: String? = if case .builtin(let name) = source.origin { BuiltinProfiles.entry(name)?.argument } else { nil }
    do {
      let value = try sandbox.evaluate(source.chunk, argument: argument).value
      return Evaluation(value: value, modules: log.modules)
    } catch {
      let failure = log.lastFailure
      throw YoiError(error.diagnostics.map { locateTailCall($0, failure: failure, in: source) })
    }
  }

  /// A tail call (`return yoi.profile.extend(...)`) leaves no frame of the caller, so Lua
  /// cannot say which line called the API function that failed; find the call in the source.
  /// The API function is the one the evaluation recorded as failing with this very error.
  private func locateTailCall(_ diagnostic: Diagnostic, failure: EvaluationLog.Failure?, in source: ProfileSource) -> Diagnostic {
    guard diagnostic.location?.line == nil, diagnostic.location?.file == source.displayPath, let failure, failure.message == diagnostic.message
    else { return diagnostic }
    let name = String(failure.function.split(separator: ".").last ?? "")
    let lines = TextLines.split(source.text)
    let calls = { (line: Substring) in line.contains(name + "(") || line.contains(name + " {") || line.contains(name + "{") }
    // A tail call is a `return` statement: prefer that line to earlier calls of the same name.
    let isReturn = { (line: Substring) in line.drop { $0 == " " || $0 == "\t" }.hasPrefix("return") }
    guard let index = lines.firstIndex(where: { calls($0) && isReturn($0) }) ?? lines.firstIndex(where: calls) else {
      return diagnostic
    }
    var located = diagnostic
    let line = String(lines[index])
    let column = line.firstRange(of: name).map { line.distance(from: line.startIndex, to: $0.lowerBound) + 1 }
    located.location = SourceLocation(file: source.displayPath, line: index + 1, column: column)
    located.sourceLine = line
    located.highlightLength = name.count
    return located
  }

  private func hostFunctions(for source: ProfileSource, log: EvaluationLog) -> [LuaHostFunction] {
    let importer = self
    let readModule = LuaHostFunction(name: "read_module") { call throws(LuaHostFunctionError) in
      try log.failing("require") { () throws(LuaHostFunctionError) in
        guard case .string(let name)? = call.arguments.first else { throw LuaHostFunctionError("require expects a module name") }
        let module = try ModuleLocator(source: source).locate(name)
        log.append(module)
        call.recordSource(.text(module.text, chunkName: module.displayPath))
        return [.value(.string(module.text)), .value(.string(module.displayPath))]
      }
    }
    let importBuiltin = LuaHostFunction(name: "import_builtin") { call throws(LuaHostFunctionError) in
      try log.failing("yoi.profile.import") { () throws(LuaHostFunctionError) in
        guard case .string(let ref)? = call.arguments.first else { throw LuaHostFunctionError("yoi.profile.import expects a reference") }
        return [.value(try importer.importBuiltin(ref))]
      }
    }
    // The prelude's `fail`: which API function raised which message.
    let apiFailed = LuaHostFunction(name: "api_failed") { call in
      if case .string(let function)? = call.arguments.first, case .string(let message)? = call.arguments.dropFirst().first {
        log.recordFailure(function, message: message)
      }
      return []
    }
    return [readModule, importBuiltin, apiFailed]
  }

  /// Evaluates a builtin in a fresh state with the pristine API; the caller gets a fresh table.
  private func importBuiltin(_ ref: String) throws(LuaHostFunctionError) -> LuaValue {
    // Names are short; a 30 MB one made the "did you mean" edit distance run for seconds.
    guard ref.utf8.count <= Self.maximumNameBytes else {
      throw LuaHostFunctionError("yoi.profile.import: the reference is \(ref.utf8.count) bytes long; builtin names are short, e.g. \"builtin:coder\"")
    }
    let name = ref.hasPrefix("builtin:") ? String(ref.dropFirst("builtin:".count)) : ref
    if name.contains(":") || name.contains("/") || name.hasSuffix(".lua") || name.hasPrefix(".") {
      throw LuaHostFunctionError(
        "yoi.profile.import only imports builtin profiles (\"builtin:NAME\"); \"\(ref)\" is not one. "
          + "To share code between your own profiles, put it in a module next to the profile and use require")
    }
    guard let source = ProfileSource.builtin(name) else {
      let hint = Suggestion.closest(to: name, in: BuiltinProfiles.names).map { " (did you mean \"builtin:\($0)\"?)" } ?? ""
      throw LuaHostFunctionError("yoi.profile.import: unknown builtin profile \"\(ref)\"\(hint); builtins: \(BuiltinProfiles.names.joined(separator: ", "))")
    }
    guard importDepth < Self.maximumImportDepth else {
      throw LuaHostFunctionError("yoi.profile.import: imports nested more than \(Self.maximumImportDepth) deep")
    }
    if let cached = BuiltinImportCache.shared.value(name, limits: limits) { return cached }
    var nested = self
    nested.importDepth += 1
    do {
      let value = try nested.evaluate(source)
      BuiltinImportCache.shared.store(value, for: name, limits: limits)
      return value
    } catch {
      let first = error.diagnostics.first
      throw LuaHostFunctionError("importing \"\(ref)\" failed: \(first?.location.map { "\($0): " } ?? "")\(first?.message ?? "unknown error")")
    }
  }
}

/// What one evaluation reports besides its value: the modules it loaded, in load order, and
/// the API function that raised the latest error (to locate a failing tail call).
final class EvaluationLog: Sendable {
  struct Failure: Sendable {
    /// The API function as a profile calls it, e.g. `yoi.profile.extend` or `require`.
    var function: String
    var message: String
  }

  private let storage = Mutex<(modules: [ModuleLocator.Module], lastFailure: Failure?)>(([], nil))

  func append(_ module: ModuleLocator.Module) {
    storage.withLock { $0.modules.append(module) }
  }

  func recordFailure(_ function: String, message: String) {
    storage.withLock { $0.lastFailure = Failure(function: function, message: message) }
  }

  /// Runs a host function's body, recording its error as raised by `function`.
  func failing<T>(_ function: String, _ body: () throws(LuaHostFunctionError) -> T) throws(LuaHostFunctionError) -> T {
    do {
      return try body()
    } catch {
      recordFailure(function, message: error.message)
      throw error
    }
  }

  var modules: [ModuleLocator.Module] { storage.withLock { $0.modules } }
  var lastFailure: Failure? { storage.withLock { $0.lastFailure } }
}

/// Finds a profile-local module: `lib.common` → `<profile dir>/lib/common.lua`, which must
/// stay inside the profile's directory after resolving symlinks.
struct ModuleLocator {
  let source: ProfileSource

  struct Module: Sendable {
    var text: String
    var displayPath: String
    /// The path below the profile's directory (`lib/common.lua`): what trust digests use.
    var relativePath: String
  }

  func locate(_ name: String) throws(LuaHostFunctionError) -> Module {
    guard let directory = source.directory else {
      throw LuaHostFunctionError("require(\"\(name)\"): builtin profiles have no local modules")
    }
    guard name.utf8.count <= ProfileEvaluator.maximumNameBytes else {
      throw LuaHostFunctionError("require: the module name is \(name.utf8.count) bytes long (at most \(ProfileEvaluator.maximumNameBytes))")
    }
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.allSatisfy(Self.isIdentifier) else {
      throw LuaHostFunctionError(
        "require(\"\(name)\"): invalid module name; use dotted identifiers like \"lib.common\" "
          + "(resolved next to the profile), not paths, `..` or absolute names")
    }
    let relative = parts.joined(separator: "/") + ".lua"
    let candidate = PathLexer.join(directory, relative)
    let displayDirectory = PathLexer.dirname("/" + source.displayPath).dropFirst()
    let displayPath = displayDirectory.isEmpty ? relative : "\(displayDirectory)/\(relative)"
    guard let real = Self.realPath(candidate) else {
      throw LuaHostFunctionError("require(\"\(name)\"): module not found (looked for \(displayPath))")
    }
    guard let realDirectory = Self.realPath(directory), PathLexer.isInside(real, directory: realDirectory) else {
      throw LuaHostFunctionError("require(\"\(name)\"): \(displayPath) resolves outside the profile's directory (symlink escape refused)")
    }
    let text: String
    switch BoundedFile.readText(real, limit: BoundedFile.luaLimit) {
    case .success(let read): text = read
    case .failure(let failure): throw LuaHostFunctionError("require(\"\(name)\"): \(displayPath) \(failure.reason)")
    }
    return Module(text: text, displayPath: displayPath, relativePath: relative)
  }

  static func isIdentifier(_ part: Substring) -> Bool {
    guard let first = part.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
    return part.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
  }

  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}

/// Builtin sources are part of the binary and evaluate deterministically, so the value an
/// import produces is the same every time in a process: keep it. Each import still hands the
/// caller a fresh table (the value is replayed into the caller's state), so nothing is shared
/// between evaluations. This matters where resolution repeats, e.g. the new-Pod dialog.
final class BuiltinImportCache: Sendable {
  static let shared = BuiltinImportCache()
  private let values = Mutex<[String: LuaValue]>([:])

  func value(_ name: String, limits: LuaLimits) -> LuaValue? {
    values.withLock { $0[Self.key(name, limits)] }
  }

  func store(_ value: LuaValue, for name: String, limits: LuaLimits) {
    values.withLock { $0[Self.key(name, limits)] = value }
  }

  private static func key(_ name: String, _ limits: LuaLimits) -> String {
    "\(name)|\(limits.memoryBytes)|\(limits.instructionBudget)"
  }
}
