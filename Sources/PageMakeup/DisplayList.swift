import IssueModel
import Typesetting

/// A point on a page, in PostScript points from the page's top-left corner, y growing down.
public struct Point: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

public struct Rect: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
}

/// A gray level from 0 (black) to 1 (white); newspapers print text and rules in black and tints.
public struct Gray: Hashable, Sendable {
    public var level: Double
    public init(_ level: Double) { self.level = min(1, max(0, level)) }
    public static let black = Gray(0)
}

/// What a page shows, in drawing order: the whole of what a renderer needs to know.
public enum DisplayItem: @unchecked Sendable {
    /// A run of glyphs of a line whose baseline starts at `origin`: the glyphs' `x` count from
    /// the line's start, their `y` up from the baseline.
    case glyphs(GlyphRun, origin: Point)
    /// A straight line.
    case rule(from: Point, to: Point, width: Double, gray: Gray)
    /// A filled rectangle (a tint behind a box, a photo's frame).
    case fill(Rect, gray: Gray)
    /// A link annotation over an area, to a URL.
    case link(Rect, url: String)
    /// A picture (JPEG or PNG file) scaled into a rectangle.
    case image(PageImage, Rect)
}

/// A picture on a page: its file and what it is.
public struct PageImage: Hashable, Sendable {
    public var path: String
    public var format: ImageRef.Format
    public var pixelWidth: Int
    public var pixelHeight: Int
    public init(path: String, format: ImageRef.Format, pixelWidth: Int, pixelHeight: Int) {
        self.path = path
        self.format = format
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
    }
}

/// One page of the issue.
public struct DisplayPage: @unchecked Sendable {
    public var width: Double
    public var height: Double
    public var items: [DisplayItem]

    public init(width: Double, height: Double, items: [DisplayItem] = []) {
        self.width = width
        self.height = height
        self.items = items
    }
}

/// A bookmark in the document's outline: one per story, pointing at where it starts.
public struct OutlineEntry: Hashable, Sendable {
    public var title: String
    /// 0-based page index.
    public var page: Int
    public var y: Double
    public init(title: String, page: Int, y: Double) {
        self.title = title
        self.page = page
        self.y = y
    }
}

/// The document's information dictionary.
public struct DocumentMetadata: Hashable, Sendable {
    public var title: String
    public var author: String
    public var subject: String
    public var keywords: String
    public var creator: String
    /// `YYYY-MM-DDThh:mm:ss`, fixed (from the issue's date or `SOURCE_DATE_EPOCH`) so that two
    /// builds of the same input are the same bytes.
    public var date: String

    public init(title: String, author: String = "", subject: String = "", keywords: String = "",
                creator: String = "issue", date: String) {
        self.title = title
        self.author = author
        self.subject = subject
        self.keywords = keywords
        self.creator = creator
        self.date = date
    }
}

/// Every page of an issue, ready to be drawn.
public struct DisplayDocument: @unchecked Sendable {
    public var pages: [DisplayPage]
    public var outline: [OutlineEntry]
    public var metadata: DocumentMetadata

    public init(pages: [DisplayPage], outline: [OutlineEntry] = [], metadata: DocumentMetadata) {
        self.pages = pages
        self.outline = outline
        self.metadata = metadata
    }
}
