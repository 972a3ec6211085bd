import YoiDiagnostics

/// A JSON document, with object keys kept sorted by their UTF-8 bytes so that writing it is
/// canonical by construction.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)
}

/// Object members sorted by the UTF-8 bytes of their keys; keys are unique.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
  public private(set) var members: [(key: String, value: JSONValue)]

  /// An object from members in any order; a later duplicate key replaces an earlier one.
  public init(_ members: [(key: String, value: JSONValue)] = []) {
    var sorted = members
    if sorted.count <= 16 {
      // Small objects (nearly all of them: stream events, request parts) are sorted in place
      // by insertion, which is stable, without the index pairs the general sort needs.
      for index in sorted.indices.dropFirst() {
        var position = index
        while position > 0, Self.precedes(members[index].key, sorted[position - 1].key) {
          sorted[position] = sorted[position - 1]
          position -= 1
        }
        sorted[position] = members[index]
      }
    } else {
      // A stable sort keeps duplicates in input order.
      sorted = members.enumerated().sorted { a, b in
        Self.precedes(a.element.key, b.element.key) || (a.element.key == b.element.key && a.offset < b.offset)
      }.map(\.element)
    }
    guard zip(sorted, sorted.dropFirst()).contains(where: { $0.key == $1.key }) else {
      self.members = sorted
      return
    }
    // The last of each run of equal keys wins.
    var unique: [(key: String, value: JSONValue)] = []
    unique.reserveCapacity(sorted.count)
    for member in sorted {
      if let last = unique.last, last.key == member.key { unique[unique.count - 1] = member } else { unique.append(member) }
    }
    self.members = unique
  }

  /// An object from members already sorted by key bytes with unique keys (e.g. a `LuaTable`'s).
  public init(presorted members: [(key: String, value: JSONValue)]) {
    assert(zip(members, members.dropFirst()).allSatisfy { Self.precedes($0.key, $1.key) }, "members must be sorted and unique")
    self.members = members
  }

  /// Byte order of the keys' UTF-8: the canonical order.
  @inline(__always) static func precedes(_ a: String, _ b: String) -> Bool { UTF8Bytes.precedes(a, b) }

  private func position(of key: String) -> (index: Int, found: Bool) {
    var low = 0, high = members.count
    while low < high {
      let mid = (low + high) / 2
      let order = UTF8Bytes.compare(members[mid].key, key)
      if order == 0 { return (mid, true) }
      if order < 0 { low = mid + 1 } else { high = mid }
    }
    return (low, false)
  }

  public var startIndex: Int { members.startIndex }
  public var endIndex: Int { members.endIndex }
  public subscript(position: Int) -> (key: String, value: JSONValue) { members[position] }

  /// The value under `key`.
  public subscript(key: String) -> JSONValue? {
    get {
      let (index, found) = position(of: key)
      return found ? members[index].value : nil
    }
    set {
      let (index, found) = position(of: key)
      switch (found, newValue) {
      case (true, let value?): members[index].value = value
      case (true, nil): members.remove(at: index)
      case (false, let value?): members.insert((key, value), at: index)
      case (false, nil): break
      }
    }
  }

  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    lhs.members.count == rhs.members.count
      && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
  }

  public func hash(into hasher: inout Hasher) {
    for member in members {
      hasher.combine(member.key)
      hasher.combine(member.value)
    }
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int64) { self = .integer(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
  }
}

/// Arbitrary JSON inside typed wire models (tool argument schemas, a function call's `args`).
extension JSONValue: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .bool(flag)
    } else if let number = try? container.decode(Int64.self) {
      self = .integer(number)
    } else if let number = try? container.decode(Double.self) {
      self = .number(number)
    } else if let text = try? container.decode(String.self) {
      self = .string(text)
    } else if let items = try? container.decode([JSONValue].self) {
      self = .array(items)
    } else {
      let members = try container.decode([String: JSONValue].self)
      self = .object(JSONObject(members.map { (key: $0.key, value: $0.value) }))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let flag): try container.encode(flag)
    case .integer(let number): try container.encode(number)
    case .number(let number): try container.encode(number)
    case .string(let text): try container.encode(text)
    case .array(let items): try container.encode(items)
    case .object(let object): try container.encode(Dictionary(uniqueKeysWithValues: object.members.map { ($0.key, $0.value) }))
    }
  }
}
