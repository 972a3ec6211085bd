import Foundation
import YoiDiagnostics
import YoiManifest
import YoiProviders

/// Files read whole before line selection; larger files are read in part.
private let readLimitBytes = 8 << 20

struct ReadFileTool: FileTool {
  static let name = "read_file"
  static let definition = ToolDefinition(
    name: name,
    description: "Read a text file. Lines come numbered (`N\\tline`). Use offset (1-based line) and limit (lines, default 2000) for long files.",
    parameters: schema(
      [("path", "string", "absolute, or relative to the workspace"), ("offset", "integer", "first line, 1-based"), ("limit", "integer", "number of lines")],
      required: ["path"]))

  struct Arguments: Decodable {
    var path: String
    var offset: Int?
    var limit: Int?
  }

  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).path }

  func run(_ arguments: String, _ context: ToolContext) throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let path = try context.resolve(arguments.path, for: .read)
    guard FileSystem.kind(path) != .directory else { throw ToolFailure("\(path) is a directory; use list_dir") }
    let (bytes, size) = try FileSystem.read(path, limit: readLimitBytes)
    if bytes.prefix(8192).contains(0) { return ToolRun(text: "\(path) is a binary file (\(size) bytes)", note: "binary") }
    let lines = TextLines.split(String(decoding: bytes, as: UTF8.self))
    let first = max(1, arguments.offset ?? 1)
    let count = max(1, arguments.limit ?? 2000)
    let last = min(lines.count - (lines.last == "" ? 1 : 0), first - 1 + count)
    guard first <= max(last, 1) else { return ToolRun(text: "(\(path) has \(lines.count) lines; offset \(first) is past the end)") }
    var text = ""
    for number in first...max(first, last) where number - 1 < lines.count {
      text += "\(number)\t\(lines[number - 1])\n"
    }
    if last < lines.count - 1 || size > bytes.count { text += "[more lines follow; read on with offset \(last + 1)]\n" }
    return ToolRun(text: text, note: "\(last - first + 1) lines")
  }
}

struct ListDirectoryTool: FileTool {
  static let name = "list_dir"
  static let definition = ToolDefinition(
    name: name, description: "List a directory: directories end with `/`, symlinks with `@`.",
    parameters: schema([("path", "string", "absolute, or relative to the workspace")], required: ["path"]))

  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(PathArguments.self, arguments).path }

  func run(_ arguments: String, _ context: ToolContext) throws(ToolFailure) -> ToolRun {
    let path = try context.resolve(decode(PathArguments.self, arguments).path, for: .read)
    guard FileSystem.kind(path) == .directory, let names = FileSystem.entries(path) else { throw ToolFailure("\(path) is not a directory") }
    // Entries the scope hides (a deny-read subtree) are not shown.
    let lines = names.compactMap { name -> String? in
      let child = path == "/" ? "/" + name : path + "/" + name
      guard context.scope.access(child) > .none else { return nil }
      switch FileSystem.kind(child) {
      case .directory: return name + "/"
      case .symlink: return name + "@"
      default: return name
      }
    }
    return ToolRun(text: lines.isEmpty ? "(empty)" : lines.joined(separator: "\n"), note: "\(lines.count) entries")
  }
}

/// A walk over the readable files under a directory: symlinked directories are not entered,
/// `.git` is skipped, and at most `maximumFiles` files are visited.
struct FileWalk {
  static let maximumFiles = 50_000

  static func files(under root: String, scope: ScopeChecker) -> (files: [String], complete: Bool) {
    var files: [String] = []
    var pending = [root]
    while let directory = pending.popLast() {
      // A cancelled run (SIGINT) stops the walk at once instead of finishing a large tree.
      if Task.isCancelled { return (files.sorted(), false) }
      for name in FileSystem.entries(directory) ?? [] {
        let path = directory == "/" ? "/" + name : directory + "/" + name
        guard scope.access(path) > .none else { continue }
        switch FileSystem.kind(path) {
        case .directory where name != ".git": pending.append(path)
        case .file, .symlink:
          files.append(path)
          if files.count >= maximumFiles { return (files, false) }
        default: break
        }
      }
    }
    return (files.sorted(), true)
  }
}

struct GlobTool: FileTool {
  static let name = "glob"
  static let definition = ToolDefinition(
    name: name, description: "Find files by glob pattern (`**/*.swift`, `src/*.{c,h}`), relative to path (default: the workspace).",
    parameters: schema([("pattern", "string", "the glob"), ("path", "string", "directory to search from")], required: ["pattern"]))

  struct Arguments: Decodable {
    var pattern: String
    var path: String?
  }

  func subject(_ arguments: String) throws(ToolFailure) -> String {
    let arguments = try decode(Arguments.self, arguments)
    return arguments.path ?? "."
  }

  func run(_ arguments: String, _ context: ToolContext) throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let root = try context.resolve(arguments.path ?? ".", for: .read)
    let glob = Glob(arguments.pattern)
    let (files, complete) = FileWalk.files(under: root, scope: context.scope)
    let matches = files.compactMap { file -> String? in
      let relative = String(file.dropFirst(root == "/" ? 1 : root.count + 1))
      return glob.matches(relative) ? relative : nil
    }
    var text = matches.isEmpty ? "no files match \(arguments.pattern)" : matches.joined(separator: "\n")
    if !complete { text += "\n[stopped after \(FileWalk.maximumFiles) files; narrow the path]" }
    return ToolRun(text: text, note: "\(matches.count) files")
  }
}

struct GrepTool: FileTool {
  static let name = "grep"
  static let definition = ToolDefinition(
    name: name, description: "Search file contents with a regular expression; results are `file:line: text`. Optionally limit to files matching glob.",
    parameters: schema(
      [
        ("pattern", "string", "regular expression"), ("path", "string", "file or directory (default: the workspace)"),
        ("glob", "string", "file filter, e.g. *.swift"),
      ],
      required: ["pattern"]))

  static let maximumMatches = 500

  struct Arguments: Decodable {
    var pattern: String
    var path: String?
    var glob: String?
  }

  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).path ?? "." }

  func run(_ arguments: String, _ context: ToolContext) throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let root = try context.resolve(arguments.path ?? ".", for: .read)
    let expression: NSRegularExpression
    do {
      expression = try NSRegularExpression(pattern: arguments.pattern)
    } catch {
      throw ToolFailure("`\(arguments.pattern)` is not a valid regular expression")
    }
    let filter = arguments.glob.map { Glob($0) }
    let isFile = FileSystem.kind(root) == .file
    let files = isFile ? [root] : FileWalk.files(under: root, scope: context.scope).files
    var results: [String] = []
    search: for file in files {
      if Task.isCancelled { throw ToolFailure("cancelled") }
      let display = PathLexer.isInside(file, directory: context.scope.workspace) ? String(file.dropFirst(context.scope.workspace.count + 1)) : file
      if let filter, !filter.matches(PathLexer.basename(file)) && !filter.matches(display) { continue }
      // A symlinked file is read only if its target is readable too.
      guard let real = ScopeChecker.canonicalize(file), context.scope.access(real) >= .read,
        let (bytes, _) = try? FileSystem.read(real, limit: readLimitBytes), !bytes.prefix(8192).contains(0)
      else { continue }
      let text = String(decoding: bytes, as: UTF8.self)
      for (number, line) in TextLines.split(text).enumerated() {
        let line = String(line)
        if expression.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil {
          results.append("\(display):\(number + 1): \(line)")
          if results.count >= Self.maximumMatches { break search }
        }
      }
    }
    var output = results.isEmpty ? "no matches for \(arguments.pattern)" : results.joined(separator: "\n")
    if results.count >= Self.maximumMatches { output += "\n[stopped at \(Self.maximumMatches) matches; narrow the search]" }
    return ToolRun(text: output, note: "\(results.count) matches")
  }
}

/// Writes go through here: the target and its directory checked writable after
/// canonicalisation, missing directories created and checked again, then an atomic rename.
enum ScopedWrite {
  static func write(_ bytes: [UInt8], to path: String, _ context: ToolContext) throws(ToolFailure) {
    // A name that holds an escape sequence acts on the terminal of whoever lists the directory.
    if !TerminalText.isPlain(path, keepingNewlines: false, keepingTabs: false) {
      throw ToolFailure("\(TerminalText.inline(path)) holds control or bidi characters; file names with them are refused")
    }
    let target = try context.resolve(path, for: .write)
    let directory = PathLexer.dirname(target)
    guard FileSystem.createDirectories(directory) else { throw ToolFailure("cannot create the directory \(directory)") }
    // A directory created or swapped in meanwhile must still be where the check said it was.
    guard ScopeChecker.realPath(directory) == directory, context.scope.access(directory + "/" + PathLexer.basename(target)) == .write else {
      throw ToolFailure("\(directory) changed while writing (a symlink?); not written")
    }
    try FileSystem.writeAtomically(bytes, directory: directory, name: PathLexer.basename(target))
  }
}

struct WriteFileTool: FileTool {
  static let name = "write_file"
  static let definition = ToolDefinition(
    name: name, description: "Create or replace a file with content (parent directories are created).",
    parameters: schema(
      [("path", "string", "absolute, or relative to the workspace"), ("content", "string", "the whole new content")], required: ["path", "content"]))

  struct Arguments: Decodable {
    var path: String
    var content: String
  }

  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).path }

  func run(_ arguments: String, _ context: ToolContext) throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let before = Self.current(arguments.path, context)
    let bytes = Array(arguments.content.utf8)
    try ScopedWrite.write(bytes, to: arguments.path, context)
    return ToolRun(
      text: "wrote \(bytes.count) bytes to \(arguments.path)", note: "\(bytes.count) bytes",
      change: FileChange(path: context.displayPath(context.canonicalPath(arguments.path)), before: before, after: arguments.content))
  }

  func change(_ arguments: String, _ context: ToolContext) -> FileChange? {
    guard let arguments = try? decode(Arguments.self, arguments), (try? context.resolve(arguments.path, for: .write)) != nil else { return nil }
    return FileChange(
      path: context.displayPath(context.canonicalPath(arguments.path)), before: Self.current(arguments.path, context), after: arguments.content)
  }

  /// The file's text now, if it is in the writable scope and small enough to show.
  static func current(_ path: String, _ context: ToolContext) -> String? {
    guard let resolved = try? context.resolve(path, for: .write), let (bytes, size) = try? FileSystem.read(resolved, limit: readLimitBytes),
      size == bytes.count
    else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }
}

struct EditFileTool: FileTool {
  static let name = "edit_file"
  static let definition = ToolDefinition(
    name: name,
    description:
      "Replace old_string with new_string in a file. old_string must match exactly once (include surrounding lines to make it unique) unless replace_all is true.",
    parameters: schema(
      [
        ("path", "string", "absolute, or relative to the workspace"), ("old_string", "string", "exact text to replace"),
        ("new_string", "string", "replacement"), ("replace_all", "boolean", "replace every occurrence"),
      ], required: ["path", "old_string", "new_string"]))

  struct Arguments: Decodable {
    var path: String
    var old_string: String
    var new_string: String
    var replace_all: Bool?
  }

  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).path }

  func run(_ arguments: String, _ context: ToolContext) throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let (text, edited, occurrences) = try Self.edit(arguments, context)
    try ScopedWrite.write(Array(edited.utf8), to: arguments.path, context)
    return ToolRun(
      text: "replaced \(occurrences) occurrence\(occurrences == 1 ? "" : "s") in \(arguments.path)", note: "\(occurrences) replaced",
      change: FileChange(path: context.displayPath(context.canonicalPath(arguments.path)), before: text, after: edited))
  }

  func change(_ arguments: String, _ context: ToolContext) -> FileChange? {
    guard let arguments = try? decode(Arguments.self, arguments), let (text, edited, _) = try? Self.edit(arguments, context) else { return nil }
    return FileChange(path: context.displayPath(context.canonicalPath(arguments.path)), before: text, after: edited)
  }

  /// The file's text, the text after the edit, and how many occurrences it replaces.
  static func edit(_ arguments: Arguments, _ context: ToolContext) throws(ToolFailure) -> (String, String, Int) {
    guard !arguments.old_string.isEmpty else { throw ToolFailure("old_string is empty; use write_file to create a file") }
    guard arguments.old_string != arguments.new_string else { throw ToolFailure("old_string and new_string are the same; nothing to do") }
    let path = try context.resolve(arguments.path, for: .write)
    let (bytes, size) = try FileSystem.read(path, limit: readLimitBytes)
    guard size == bytes.count else { throw ToolFailure("\(path) is larger than \(readLimitBytes) bytes; edit_file does not edit it") }
    // Decoding would turn each byte that is not UTF-8 into U+FFFD, and writing the edit back
    // would put those over the file's own bytes (a Latin-1 file, a binary blob in a text).
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw ToolFailure("\(arguments.path) is not UTF-8 text; edit_file would change its other bytes, so it does not edit it (use the shell)")
    }
    var old = arguments.old_string
    var new = arguments.new_string
    // read_file shows lines without their `\r`: in a file with CRLF endings, the model's `\n`
    // means the file's `\r\n`, and the edit keeps the file's endings.
    if text.contains("\r\n"), !old.contains("\r\n"), old.contains("\n"), !text.contains(old) {
      old = old.replacingOccurrences(of: "\n", with: "\r\n")
      new = new.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }
    let occurrences = text.components(separatedBy: old).count - 1
    guard occurrences > 0 else { throw ToolFailure("old_string was not found in \(arguments.path); read the file and copy the text exactly") }
    guard occurrences == 1 || arguments.replace_all == true else {
      throw ToolFailure("old_string matches \(occurrences) times in \(arguments.path); include more surrounding text to make it unique, or set replace_all")
    }
    return (text, text.replacingOccurrences(of: old, with: new), occurrences)
  }
}
