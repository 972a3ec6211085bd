import Foundation
import YoiManifest

/// The workspace a command means when none is given: the nearest directory at or above the
/// current one that holds `.yoi/` or `.git` (the project), else the current directory. From
/// `repo/src/deep`, `deny_write = { ".git" }` then means the repository's `.git`.
public enum WorkspaceRoot {
  public static func nearest(from directory: String) -> String {
    var candidate = PathLexer.normalize(directory)
    while true {
      for marker in [".yoi", ".git"] where FileManager.default.fileExists(atPath: PathLexer.join(candidate, marker)) {
        return candidate
      }
      if candidate == "/" { return PathLexer.normalize(directory) }
      candidate = PathLexer.dirname(candidate)
    }
  }
}
