import Foundation

/// The package's folders, found from this file's place so tests run from any working folder.
enum FixturePaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
    static let sampleIssues = packageRoot.appendingPathComponent("issues")

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: fixture(name), encoding: .utf8)
    }
}

/// A scratch issues/ folder under the system's temporary folder, removed by the test's teardown.
struct ScratchIssue {
    let root: URL
    var issues: URL { root.appendingPathComponent("issues") }
    var week: URL { issues.appendingPathComponent("2026-12-03") }

    /// A valid publication (with a copy of the package's layouts), a valid issue.yaml and the
    /// given article files.
    init(articles: [String: String] = ["01-story.md": "---\ntitle: A story\n---\nSome text.\n"],
         publication: String = "name: Scratch Weekly\nlanguage: en\n",
         issueYAML: String = "number: 7\nvolume: 2\ndate: 2026-12-03\nlayout: tabloid\n") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("issue-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: week.appendingPathComponent("articles"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: week.appendingPathComponent("images"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FixturePaths.packageRoot.appendingPathComponent("layouts"),
                                         to: root.appendingPathComponent("layouts"))
        try write("issues/publication.yaml", publication)
        try write("issues/2026-12-03/issue.yaml", issueYAML)
        for (name, text) in articles { try write("issues/2026-12-03/articles/\(name)", text) }
    }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
