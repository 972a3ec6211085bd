import Foundation
import Glibc
import YoiManifest

/// The parts of a repository's `.git` through which git would run code outside any sandbox
/// the next time a person uses it (DESIGN.md §12.5): no tool writes them, whatever the scope.
///
/// `hooks` and `config` are the obvious ones. git also reads a repository's config and hooks
/// from wherever `commondir` names (in `.git` and in each linked worktree's directory), from
/// `config.worktree`, and each submodule's from `.git/modules`: any of those planted gives the
/// same unconfined `core.fsmonitor` on the person's next `git status`.
enum GitDirectory {
  struct Protected {
    var path: String
    var recursive: Bool
    /// Whether the shell may hold it, while missing, with an empty directory. git reads the
    /// others as files, and an empty directory there would stop every git command, so a
    /// missing one is checked after each command instead (`undoPlanted`).
    var reservable: Bool
  }

  /// What git writes in a linked worktree's `commondir`: the repository two levels up.
  static let worktreeCommonDirectory = "../..\n"

  /// The protected paths of the repository whose git directory is `git`.
  static func protected(_ git: String) -> [Protected] {
    var paths = [
      Protected(path: git + "/hooks", recursive: true, reservable: true), Protected(path: git + "/config", recursive: false, reservable: true),
      Protected(path: git + "/modules", recursive: true, reservable: true),
    ]
    paths += fileGuarded(git).map { Protected(path: $0, recursive: false, reservable: false) }
    return paths
  }

  /// The protected files that may be missing: `commondir` and `config.worktree`, in `.git` and
  /// in each linked worktree's directory.
  static func fileGuarded(_ git: String) -> [String] {
    ([git] + worktrees(git)).flatMap { [$0 + "/commondir", $0 + "/config.worktree"] }
  }

  /// Whether `path` (canonical) is one of `fileGuarded`'s files by its place alone: the file
  /// tools refuse a linked worktree's `commondir` even for a worktree made after the scope
  /// was built (by the shell, mid-run), which no enumerated rule names.
  static func isGuardedFile(_ path: String, git: String) -> Bool {
    let name = PathLexer.basename(path)
    guard name == "commondir" || name == "config.worktree" else { return false }
    let parent = PathLexer.dirname(path)
    return parent == git || PathLexer.dirname(parent) == git + "/worktrees"
  }

  /// The linked worktrees' directories (`.git/worktrees/<name>`), real directories only.
  static func worktrees(_ git: String) -> [String] {
    guard FileSystem.kind(git + "/worktrees") == .directory else { return [] }
    return (FileSystem.entries(git + "/worktrees") ?? []).map { git + "/worktrees/" + $0 }.filter { FileSystem.kind($0) == .directory }
  }

  /// After a shell command in the workspace holding `git`: removes each guarded file the
  /// command created (`existedBefore` lists those that were there, protected, before it) and
  /// a symlink put in place of `.git/worktrees` or of one of its entries, and sets each linked
  /// worktree's `commondir` back to git's own value. Returns what it undid, for the tool's
  /// output.
  static func undoPlanted(_ git: String, existedBefore: Set<String>) -> [String] {
    guard FileSystem.kind(git) == .directory else { return [] }
    var undone: [String] = []
    func relative(_ path: String) -> String { ".git" + path.dropFirst(git.count) }
    let links = [git + "/worktrees"] + (FileSystem.entries(git + "/worktrees") ?? []).map { git + "/worktrees/" + $0 }
    for link in links where FileSystem.kind(link) == .symlink && unlink(link) == 0 { undone.append(relative(link)) }
    for path in fileGuarded(git) where FileSystem.kind(path) != nil {
      if path.hasSuffix("/commondir"), path != git + "/commondir" {
        // A linked worktree's commondir is git's own `../..` unless something rewrote it (even
        // one there before the command: a process that outlived an earlier one may have).
        if FileSystem.kind(path) == .file, (try? FileSystem.read(path, limit: 64))?.bytes == Array(worktreeCommonDirectory.utf8) { continue }
        unlink(path)
        let written = try? FileSystem.writeAtomically(Array(worktreeCommonDirectory.utf8), directory: PathLexer.dirname(path), name: "commondir")
        undone.append(relative(path) + (written == nil ? " (the worktree is left without one)" : " (set back to ../..)"))
      } else if existedBefore.contains(path) {
        continue
      } else if (FileSystem.kind(path) == .directory ? rmdir(path) : unlink(path)) == 0 || FileSystem.kind(path) == nil {
        undone.append(relative(path))
      } else {
        try? FileManager.default.removeItem(atPath: path)
        undone.append(relative(path))
      }
    }
    return undone
  }
}
