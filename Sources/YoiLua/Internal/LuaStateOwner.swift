internal import YoiCLua
import YoiDiagnostics

/// Owns one sandboxed `lua_State` for the length of one synchronous evaluation. Not Sendable:
/// it is created, used and destroyed inside `LuaSandbox.evaluate`.
final class LuaStateOwner {
  private let hostFunctions: [LuaHostFunction]
  private let limits: LuaLimits
  private var sources: [LuaChunk] = []
  private var preludeNames: Set<String> = []

  init(hostFunctions: [LuaHostFunction], limits: LuaLimits) {
    self.hostFunctions = hostFunctions
    self.limits = limits
  }

  func evaluate(_ chunk: LuaChunk, preludes: [LuaPrelude], argument: String?) throws(YoiError) -> LuaEvaluation {
    var cLimits = yoi_limits(
      memory_bytes: limits.memoryBytes,
      instruction_budget: limits.instructionBudget,
      deadline_nanoseconds: UInt64(max(0, limits.deadlineSeconds) * 1e9)
    )
    let context = Unmanaged.passUnretained(self).toOpaque()
    guard let sandbox = yoi_sandbox_new(&cLimits, hostDispatch, context) else {
      throw YoiError([.error("could not create a Lua state (out of memory)", code: .luaSetup)])
    }
    defer { yoi_sandbox_free(sandbox) }
    return try withExtendedLifetime(self) { () throws(YoiError) -> LuaEvaluation in
      for (id, function) in hostFunctions.enumerated() {
        guard yoi_sandbox_add_host_function(sandbox, function.name, Int32(id)) == Int32(YOI_STATUS_OK.rawValue) else {
          throw YoiError([.error("could not install host function \(function.name)", code: .luaSetup)])
        }
      }
      preludeNames = Set(preludes.map(\.chunk.displayName))
      for prelude in preludes {
        sources.append(prelude.chunk)
        let status = prelude.bytecode.withUnsafeBufferPointer { bytes in
          yoi_sandbox_run_trusted_bytecode(sandbox, bytes.baseAddress, bytes.count, "@" + prelude.chunk.displayName)
        }
        guard status == Int32(YOI_STATUS_OK.rawValue) else {
          throw LuaFailureReport(sandbox: sandbox, status: status, limits: limits, sources: sources, preludeNames: preludeNames).error()
        }
        yoi_sandbox_pop(sandbox)
      }
      try run(chunk, in: sandbox, isPrelude: false, argument: argument)
      guard let state = yoi_sandbox_state(sandbox) else {
        throw YoiError([.error("the Lua state vanished", code: .luaSetup)])
      }
      var reader = LuaValueReader(state: state)
      let value = reader.read(at: yoi_read_gettop(state))
      yoi_sandbox_pop(sandbox)
      if !reader.problems.isEmpty {
        throw YoiError(reader.problems.map { conversionDiagnostic($0, chunk: chunk) })
      }
      var printedLength = 0
      let printed = yoi_sandbox_printed(sandbox, &printedLength)
      return LuaEvaluation(
        value: value,
        printed: Self.lossyString(printed, count: printedLength),
        memoryPeak: yoi_sandbox_memory_peak(sandbox),
        instructions: yoi_sandbox_instructions_used(sandbox)
      )
    }
  }

  private func run(_ chunk: LuaChunk, in sandbox: OpaquePointer, isPrelude: Bool, argument: String? = nil) throws(YoiError) {
    sources.append(chunk)
    var text = chunk.text
    let status = text.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { text in
        yoi_sandbox_run(sandbox, text.baseAddress, text.count, "@" + chunk.displayName, isPrelude ? 1 : 0, argument)
      }
    }
    guard status != Int32(YOI_STATUS_OK.rawValue) else { return }
    throw LuaFailureReport(sandbox: sandbox, status: status, limits: limits, sources: sources, preludeNames: preludeNames).error()
  }

  private func conversionDiagnostic(_ problem: LuaValueReader.Problem, chunk: LuaChunk) -> Diagnostic {
    let path = problem.path.isEmpty ? "the returned value" : problem.path
    return Diagnostic(
      code: .luaValue,
      message: "\(path): \(problem.message)",
      location: SourceLocation(file: chunk.displayName),
      help: ["a profile returns plain data: tables, strings, numbers and booleans"]
    )
  }

  fileprivate func dispatch(sandbox: OpaquePointer, state: OpaquePointer, functionID: Int, argumentCount: Int) {
    let writer = LuaResultWriter(sandbox: sandbox)
    guard hostFunctions.indices.contains(functionID) else {
      writer.writeError("unknown host function")
      return
    }
    let function = hostFunctions[functionID]
    var arguments: [LuaValue] = []
    var problems: [LuaValueReader.Problem] = []
    for index in 0..<argumentCount {
      var reader = LuaValueReader(state: state, root: "#\(index + 1)")
      arguments.append(reader.read(at: Int32(index + 1)))
      problems += reader.problems
    }
    if let problem = problems.first {
      writer.writeError("bad argument \(problem.path) to '\(function.name)': \(problem.message)")
      return
    }
    let call = LuaHostCall(arguments: arguments)
    do {
      let results = try function.body(call)
      sources.append(contentsOf: call.recordedSources)
      writer.write(results)
    } catch {
      sources.append(contentsOf: call.recordedSources)
      writer.writeError(error.message)
    }
  }

  static func lossyString(_ bytes: UnsafePointer<CChar>?, count: Int) -> String {
    guard let bytes, count > 0 else { return "" }
    return bytes.withMemoryRebound(to: UInt8.self, capacity: count) {
      String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
    }
  }
}

/// The C entry point of every host function: finds the owner and forwards.
private let hostDispatch: yoi_host_dispatch = { context, sandbox, state, functionID, argumentCount in
  guard let context, let sandbox, let state else { return 1 }
  let owner = Unmanaged<LuaStateOwner>.fromOpaque(context).takeUnretainedValue()
  owner.dispatch(sandbox: sandbox, state: state, functionID: Int(functionID), argumentCount: Int(argumentCount))
  return 0
}
