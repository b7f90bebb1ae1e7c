/// One week's issue: its `issue.yaml` and its articles, in the order they are to run.
public struct Issue: Hashable, Sendable {
    public var publication: Publication
    /// The week's folder (absolute path).
    public var folder: String
    public var number: Int
    public var volume: Int?
    public var date: IssueDate
    /// The name of a layout under `layouts/` (`tabloid`, `letter`, `a4`).
    public var layout: String
    /// That layout, read from `layouts/<layout>.yaml`; nil when it could not be read.
    public var pageLayout: Layout?
    /// The email's subject; renderers make one from the lead story when absent.
    public var subject: String?
    /// The email's preview text; renderers take the lead story's first sentence when absent.
    public var preheader: String?
    /// Articles in running order: `order:` of issue.yaml, else priority, then file name.
    public var articles: [Article]

    public init(publication: Publication, folder: String, number: Int, volume: Int?, date: IssueDate,
                layout: String, subject: String? = nil, preheader: String? = nil, articles: [Article]) {
        self.publication = publication
        self.folder = folder
        self.number = number
        self.volume = volume
        self.date = date
        self.layout = layout
        self.subject = subject
        self.preheader = preheader
        self.articles = articles
    }

    /// The lead story: the first in running order.
    public var lead: Article? { articles.first }

    public var wordCount: Int { articles.reduce(0) { $0 + $1.wordCount } }
}
