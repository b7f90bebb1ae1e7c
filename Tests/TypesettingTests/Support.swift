import Foundation
import IssueModel
import Typesetting
import XCTest

/// The bundled fonts and a typesetter over them, as the build uses them.
enum Bundled {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fontsFolder = packageRoot.appendingPathComponent("fonts").path

    static func typesetter() throws -> Typesetter {
        Typesetter(fonts: try FontLibrary(folder: fontsFolder))
    }

    /// The tabloid's body: PT Serif 9.5 pt in 134 pt (11.2-pica) columns.
    static let body = TextStyle(family: "PT Serif", size: 9.5)
    static let column = 134.0
}

extension SetParagraph {
    var text: String { lines.map(\.text).joined(separator: "\n") }
}
