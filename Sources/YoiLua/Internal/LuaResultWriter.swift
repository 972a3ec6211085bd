internal import YoiCLua

/// Describes host-function results as the small stack program the C trampoline replays, so
/// nothing that can raise ever runs in a Swift frame.
struct LuaResultWriter {
  let sandbox: OpaquePointer

  func write(_ results: [LuaHostResult]) {
    for result in results {
      switch result {
      case .value(let value): write(value)
      case .argument(let index): _ = yoi_result_argument(sandbox, Int32(clamping: index))
      }
    }
  }

  func write(_ value: LuaValue) {
    switch value {
    case .nil: _ = yoi_result_nil(sandbox)
    case .boolean(let flag): _ = yoi_result_boolean(sandbox, flag ? 1 : 0)
    case .integer(let number): _ = yoi_result_integer(sandbox, number)
    case .number(let number): _ = yoi_result_number(sandbox, number)
    case .string(let text): writeString(text)
    case .array(let items):
      _ = yoi_result_table(sandbox)
      for (offset, item) in items.enumerated() {
        _ = yoi_result_integer(sandbox, Int64(offset + 1))
        write(item)
        _ = yoi_result_set(sandbox)
      }
    case .table(let table):
      _ = yoi_result_table(sandbox)
      for field in table {
        writeString(field.key)
        write(field.value)
        _ = yoi_result_set(sandbox)
      }
    }
  }

  func writeError(_ message: String) {
    var message = message
    message.withUTF8 { bytes in
      _ = bytes.withMemoryRebound(to: CChar.self) { yoi_result_error(sandbox, $0.baseAddress, $0.count) }
    }
  }

  private func writeString(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      _ = bytes.withMemoryRebound(to: CChar.self) { yoi_result_string(sandbox, $0.baseAddress, $0.count) }
    }
  }
}
