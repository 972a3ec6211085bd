public import Foundation
import YoiManifest

/// Where yoi keeps configuration and data (DESIGN.md §6):
/// config `YOI_CONFIG_DIR` > `YOI_HOME/config` > `XDG_CONFIG_HOME/yoi` > `~/.config/yoi`;
/// data `YOI_DATA_DIR` > `YOI_HOME` > `~/.yoi`.
public struct YoiDirectories: Sendable, Hashable {
  public var config: String
  public var data: String

  public init(config: String, data: String) {
    self.config = config
    self.data = data
  }

  /// The directories for `environment` (the process environment by default).
  public static func from(environment: [String: String] = ProcessInfo.processInfo.environment) -> YoiDirectories {
    let home = environment["HOME"] ?? NSHomeDirectory()
    func nonEmpty(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
    let config =
      nonEmpty("YOI_CONFIG_DIR")
      ?? nonEmpty("YOI_HOME").map { $0 + "/config" }
      ?? nonEmpty("XDG_CONFIG_HOME").map { $0 + "/yoi" }
      ?? home + "/.config/yoi"
    let data = nonEmpty("YOI_DATA_DIR") ?? nonEmpty("YOI_HOME") ?? home + "/.yoi"
    let cwd = FileManager.default.currentDirectoryPath
    return YoiDirectories(config: PathLexer.join(cwd, config), data: PathLexer.join(cwd, data))
  }
}
