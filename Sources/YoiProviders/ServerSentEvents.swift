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
    let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
      Result { () throws(ProviderError) in try feed(buffer: buffer) }
    }
    if let contiguous { return try contiguous.get() }
    return try Array(bytes).withUnsafeBufferPointer { buffer in
      Result { () throws(ProviderError) in try feed(buffer: buffer) }
    }.get()
  }

  /// Lines are found by scanning for CR and LF and appended to `line` in whole runs (a byte
  /// at a time was a visible share of reading a stream).
  private mutating func feed(buffer: UnsafeBufferPointer<UInt8>) throws(ProviderError) -> [ServerSentEvent] {
    var events: [ServerSentEvent] = []
    var index = 0
    if afterCarriageReturn, !buffer.isEmpty {
      afterCarriageReturn = false
      if buffer[0] == 0x0A { index = 1 }  // the \n of a \r\n pair cut between two reads
    }
    var start = index
    while index < buffer.count {
      let byte = buffer[index]
      guard byte == 0x0D || byte == 0x0A else {
        index += 1
        continue
      }
      try append(UnsafeBufferPointer(rebasing: buffer[start..<index]))
      if let event = endLine() { events.append(event) }
      index += 1
      if byte == 0x0D {
        if index == buffer.count {
          afterCarriageReturn = true
        } else if buffer[index] == 0x0A {
          index += 1
        }
      }
      start = index
    }
    try append(UnsafeBufferPointer(rebasing: buffer[start..<index]))
    return events
  }

  private mutating func append(_ piece: UnsafeBufferPointer<UInt8>) throws(ProviderError) {
    guard line.count + piece.count <= Self.maximumLineBytes else {
      throw ProviderError.malformedStream("a server-sent-events line longer than \(Self.maximumLineBytes) bytes")
    }
    line.append(contentsOf: piece)
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
      if data.isEmpty { return nil }
      return ServerSentEvent(event: event, data: data.count == 1 ? data[0] : data.joined(separator: "\n"))
    }
    if line[0] == UInt8(ascii: ":") { return nil }  // a comment: keep-alive
    let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
    var valueStart = Swift.min(colon + 1, line.endIndex)
    if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
    let field = line[..<colon]
    if field.elementsEqual("data".utf8) {
      data.append(String(decoding: line[valueStart...], as: UTF8.self))
    } else if field.elementsEqual("event".utf8) {
      event = String(decoding: line[valueStart...], as: UTF8.self)
    }
    // id, retry and unknown fields do not matter to a one-shot stream
    return nil
  }
}
