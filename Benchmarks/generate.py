#!/usr/bin/env python3
"""Generates test issues of a given size from a fixed seed, so every benchmark run measures
the same work: words drawn from the sample issue's own vocabulary, with the constructs a
weekly has (subheads, lists, quotes, datelines, a table), pictures copied from the sample.

    generate.py OUT --size small|large [--seed 7] [--layout tabloid] [--recipients N]
"""
import argparse, os, random, re, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "issues", "2026-12-03")
# articles, words per article (or a range to draw from), pictures: 4 and 16 tabloid pages, and
# the 40 stories of 200 to 3,000 words of the page-makeup issue
SIZES = {"small": (8, 650, 2), "large": (24, 1050, 12), "forty": (40, (200, 3000), 8)}


def vocabulary():
    words = []
    for name in sorted(os.listdir(os.path.join(SAMPLE, "articles"))):
        text = open(os.path.join(SAMPLE, "articles", name), encoding="utf-8").read().split("---", 2)[-1]
        text = re.sub(r"[#*>|\[\]()_`!-]", " ", text)
        words += [w for w in text.split() if w.isalpha() or w.endswith((".", ","))]
    return words


def sentence(rng, words, n):
    s = " ".join(rng.choice(words) for _ in range(n)).strip(".,")
    return s[0].upper() + s[1:] + "."


def paragraph(rng, words, target):
    out, count = [], 0
    while count < target:
        n = rng.randint(8, 26)
        out.append(sentence(rng, words, n))
        count += n
    return " ".join(out), count


def article(rng, words, index, target, picture, show_picture=True):
    title = sentence(rng, words, rng.randint(5, 10)).rstrip(".")
    body, count, blocks = [], 0, 0
    while count < target:
        kind = rng.random()
        if blocks == 0:
            p, n = paragraph(rng, words, 40)
            body.append("**MILLBROOK, NY, DECEMBER %d** — %s" % (1 + index % 28, p))
        elif kind < 0.08:
            body.append("## " + sentence(rng, words, 4).rstrip("."))
            n = 4
        elif kind < 0.14:
            items = [sentence(rng, words, rng.randint(6, 14)) for _ in range(rng.randint(3, 5))]
            body.append("\n".join("- " + i for i in items))
            n = sum(len(i.split()) for i in items)
        elif kind < 0.18:
            p, n = paragraph(rng, words, 35)
            body.append("> " + p)
        else:
            p, n = paragraph(rng, words, rng.randint(40, 110))
            body.append(p)
        count += n
        blocks += 1
    head = ["---", 'title: "%s"' % title.replace('"', ""), "byline: By Benchmark Staff", "priority: %d" % (index + 1)]
    if picture:
        # The caption is drawn either way, so that --no-pictures makes the same text.
        caption = sentence(rng, words, 12).replace('"', "")
        if show_picture:
            head += ["image: images/%s" % picture, 'caption: "%s"' % caption, "credit: Drawing by Ledger staff"]
    head.append("---")
    return "\n".join(head) + "\n" + "\n\n".join(body) + "\n", count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--size", choices=SIZES, default="large")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--layout", default="tabloid")
    parser.add_argument("--recipients", type=int, default=0)
    parser.add_argument("--no-pictures", action="store_true",
                        help="the same text without its pictures (what a text-only peer such as Typst sets)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = vocabulary()
    articles, per, pictures = SIZES[args.size]
    week = os.path.join(args.out, "issues", "2026-12-03")
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(os.path.join(week, "articles"))
    os.makedirs(os.path.join(week, "images"))
    shutil.copy(os.path.join(ROOT, "issues", "publication.yaml"), os.path.join(args.out, "issues", "publication.yaml"))
    with open(os.path.join(week, "issue.yaml"), "w") as f:
        f.write("number: 500\nvolume: 10\ndate: 2026-12-03\nlayout: %s\n" % args.layout)
    sources = sorted(n for n in os.listdir(os.path.join(SAMPLE, "images")) if n.endswith((".jpg", ".png")))
    names = []
    for i in range(pictures):
        source = sources[i % len(sources)]
        name = "picture-%02d%s" % (i + 1, os.path.splitext(source)[1])
        if not args.no_pictures:
            shutil.copy(os.path.join(SAMPLE, "images", source), os.path.join(week, "images", name))
        names.append(name)
    total = 0
    for i in range(articles):
        picture = names[i] if i < len(names) else None
        target = rng.randint(*per) if isinstance(per, tuple) else per
        text, count = article(rng, words, i, target, picture, show_picture=not args.no_pictures)
        total += count
        open(os.path.join(week, "articles", "%02d-story.md" % (i + 1)), "w", encoding="utf-8").write(text)
    if args.recipients:
        with open(os.path.join(args.out, "recipients.csv"), "w", encoding="utf-8") as f:
            f.write("email,name,token\n")
            for i in range(args.recipients):
                f.write("reader%06d@example.org,Reader %d,tok%06d\n" % (i, i, i))
    print("%s: %d articles, about %d words, %d pictures%s" % (args.out, articles, total, 0 if args.no_pictures else pictures,
          ", %d recipients" % args.recipients if args.recipients else ""))


if __name__ == "__main__":
    main()
