/// An image an article names, in its front matter (`image:`) or in its body (`![alt](path)`).
public struct ImageRef: Hashable, Sendable {
    public enum Format: String, Hashable, Sendable { case jpeg, png }

    /// The path or URL exactly as the author wrote it.
    public var source: String
    /// The absolute path of the file inside the issue folder; nil for a remote URL.
    public var path: String?
    public var format: Format?
    /// Size in pixels, read from the file's header (nil for remote images).
    public var pixelWidth: Int?
    public var pixelHeight: Int?
    /// Alternative text: the image's description for readers who do not see it.
    public var alt: String
    public var title: String

    public init(source: String, path: String? = nil, format: Format? = nil,
                pixelWidth: Int? = nil, pixelHeight: Int? = nil, alt: String = "", title: String = "") {
        self.source = source
        self.path = path
        self.format = format
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
        self.alt = alt
        self.title = title
    }

    /// Height over width, when the size is known.
    public var aspectRatio: Double? {
        guard let w = pixelWidth, let h = pixelHeight, w > 0 else { return nil }
        return Double(h) / Double(w)
    }
}
