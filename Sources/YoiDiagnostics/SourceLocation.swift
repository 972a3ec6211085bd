/// A place in a source file: the display path a user recognises, and a 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The file as shown to the user (relative where possible), e.g. `profiles/coder.lua`.
  public var file: String
  /// 1-based line, or nil when only the file is known.
  public var line: Int?
  /// 1-based column, or nil when unknown.
  public var column: Int?

  /// A location in `file`, optionally at `line` and `column`.
  public init(file: String, line: Int? = nil, column: Int? = nil) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String {
    var text = file
    if let line {
      text += ":\(line)"
      if let column { text += ":\(column)" }
    }
    return text
  }
}
