#!/usr/bin/env python3
"""The peer: the same issue's text set by Typst in the same page, columns, font and size, timed
in the same run. Prints the median and spread of typst.compile over --runs runs.

    typst_peer.py ISSUES_FOLDER FONTS_FOLDER [--runs 5]
"""
import argparse, json, os, re, statistics, sys, time

def article_text(path):
    text = open(path, encoding="utf-8").read()
    parts = text.split("---", 2)
    title = re.search(r'^title:\s*"?(.*?)"?\s*$', parts[1], re.M).group(1)
    paragraphs = []
    for block in re.split(r"\n\s*\n", parts[2].strip()):
        block = re.sub(r"^(#+|>|-|\d+\.)\s*", "", block, flags=re.M)
        block = re.sub(r"[*_`]", "", block)
        paragraphs.append(" ".join(block.split()))
    return title, [p for p in paragraphs if p]

def quoted(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

def document(week):
    out = ["#set page(width: 11in, height: 17in, margin: 0.5in, columns: 5)",
           "#set columns(gutter: 12pt)",
           '#set text(font: "PT Serif", size: 9.5pt, lang: "en", hyphenate: true)',
           "#set par(justify: true, leading: 2.5pt, first-line-indent: 9.5pt)", ""]
    articles = os.path.join(week, "articles")
    for name in sorted(os.listdir(articles)):
        title, paragraphs = article_text(os.path.join(articles, name))
        out.append("#heading[#%s]" % quoted(title))
        out += ["#%s\n" % quoted(p) for p in paragraphs]
    return "\n".join(out)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("issues")
    parser.add_argument("fonts")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import typst
    week = os.path.join(args.issues, "2026-12-03")
    source = os.path.join(week, "typst-peer.typ")
    open(source, "w", encoding="utf-8").write(document(week))
    output = os.path.join(week, "typst-peer.pdf")
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        typst.compile(source, output=output, font_paths=[args.fonts])
        times.append(time.perf_counter() - start)
    # The first compile loads fonts and warms caches, as a fresh process would; the rest are warm.
    print(json.dumps({"cold": times[0], "median": statistics.median(times[1:] or times), "min": min(times), "max": max(times),
                      "pdf": output}))

if __name__ == "__main__":
    main()
