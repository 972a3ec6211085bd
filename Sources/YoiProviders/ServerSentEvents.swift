/// One server-sent event (https://html.spec.whatwg.org/multipage/server-sent-events.html).
public struct ServerSentEvent: Sendable, Hashable {
  /// The `event:` field; empty when the server sent none (the spec's "message").
  public var event: String
  /// The `data:` lines joined with "\n".
  public var data: String
}

/// An incremental server-sent-events parser. Bytes arrive cut anywhere (mid-line, mid-UTF-8
/// sequence, between `\r` and `\n`); lines are only decoded once complete, so a split
/// multi-byte character is never seen half.
public struct ServerSentEventParser: Sendable {
  private var line: [UInt8] = []
  private var afterCarriageReturn = false
  private var event = ""
  private var data: [String] = []
  /// Bytes held for an unfinished line; a line longer than this is a malformed stream.
  public static let maximumLineBytes = 16 << 20

  public init() {}

  /// Feeds `bytes`; returns the events they completed, in order.
  public mutating func feed(_ bytes: some Sequence<UInt8>) throws(ProviderError) -> [ServerSentEvent] {
    var events: [ServerSentEvent] = []
    for byte in bytes {
      if afterCarriageReturn {
        afterCarriageReturn = false
        if byte == 0x0A { continue }  // the \n of a \r\n pair
      }
      switch byte {
      case 0x0D:
        afterCarriageReturn = true
        if let event = endLine() { events.append(event) }
      case 0x0A:
        if let event = endLine() { events.append(event) }
      default:
        guard line.count < Self.maximumLineBytes else {
          throw ProviderError.malformedStream("a server-sent-events line longer than \(Self.maximumLineBytes) bytes")
        }
        line.append(byte)
      }
    }
    return events
  }

  /// Whether bytes of an unfinished event are held (a stream ending here was cut).
  public var hasPartialEvent: Bool { !line.isEmpty || !data.isEmpty }

  private mutating func endLine() -> ServerSentEvent? {
    defer { line.removeAll(keepingCapacity: true) }
    if line.isEmpty {
      // A blank line dispatches the event, if it has data.
      defer {
        event = ""
        data.removeAll()
      }
      return data.isEmpty ? nil : ServerSentEvent(event: event, data: data.joined(separator: "\n"))
    }
    if line[0] == UInt8(ascii: ":") { return nil }  // a comment: keep-alive
    let text = String(decoding: line, as: UTF8.self)
    let field: Substring
    var value: Substring
    if let colon = text.firstIndex(of: ":") {
      field = text[..<colon]
      value = text[text.index(after: colon)...]
      if value.first == " " { value = value.dropFirst() }
    } else {
      field = text[...]
      value = ""
    }
    switch field {
    case "event": event = String(value)
    case "data": data.append(String(value))
    default: break  // id, retry and unknown fields do not matter to a one-shot stream
    }
    return nil
  }
}
