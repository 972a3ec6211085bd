import YoiLua
import YoiManifest

extension JSONValue {
  /// A Lua value as JSON: empty tables become `{}`.
  init(_ value: LuaValue) {
    switch value {
    case .nil: self = .null
    case .boolean(let flag): self = .bool(flag)
    case .integer(let number): self = .integer(number)
    case .number(let number): self = .number(number)
    case .string(let text): self = .string(text)
    case .array(let items): self = .array(items.map(JSONValue.init))
    case .table(let table): self = .object(JSONObject(presorted: table.map { (key: $0.key, value: JSONValue($0.value)) }))
    }
  }
}
