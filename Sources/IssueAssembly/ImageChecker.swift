import IssueModel

/// Checks an image an article names: a file inside the week's folder, JPEG or PNG, with a size.
enum ImageChecker {
    /// Pictures larger than this are refused before anything decodes them: 100 megapixels is
    /// 400 MB of pixels, and no page of a weekly needs a tenth of it.
    static let maximumPixels = 100_000_000

    static func check(_ image: ImageRef, paths: IssuePaths, at loc: SourceLocation,
                      into diagnostics: inout [Diagnostic]) -> ImageRef {
        var ref = image
        let written = YAMLFields.clip(image.source)
        switch paths.resolve(image.source) {
        case .url:
            diagnostics.append(.warning("the image '\(written)' is a web address; only files in the issue folder are printed",
                                        at: loc, hint: "save the image under images/ and name it as images/NAME.jpg"))
        case .outside:
            diagnostics.append(.error("the image '\(written)' is outside the issue folder", at: loc,
                                      hint: "copy it into the week's images/ folder and write images/NAME"))
        case .missing(let shown):
            diagnostics.append(.error("the image '\(written)' does not exist (\(shown))", at: loc,
                                      hint: "paths are relative to the week's folder, like images/photo.jpg"))
        case .invalid(let why):
            diagnostics.append(.error("the image '\(written)': \(why)", at: loc))
        case .file(let path):
            ref.path = path
            switch ImageProbe.probe(path: path) {
            case .success(let info) where info.width * info.height > maximumPixels:
                diagnostics.append(.error("the image '\(written)' is \(info.width)×\(info.height) pixels, over the \(maximumPixels / 1_000_000) megapixels a picture may have",
                                          at: loc, hint: "scale it down; 3000 pixels across prints a full tabloid page at 270 dpi"))
            case .success(let info):
                ref.format = info.format
                ref.pixelWidth = info.width
                ref.pixelHeight = info.height
            case .failure(.unreadable):
                diagnostics.append(.error("the image '\(written)' cannot be read", at: loc))
            case .failure(.unsupported(let kind)):
                let what = kind.map { "a \($0) file" } ?? "not a JPEG or PNG file"
                diagnostics.append(.error("the image '\(written)' is \(what)", at: loc,
                                          hint: "save it as JPEG (photos) or PNG (drawings)"))
            case .failure(.corrupt(let why)):
                diagnostics.append(.error("the image '\(written)' is damaged: \(why)", at: loc))
            }
        }
        return ref
    }
}
