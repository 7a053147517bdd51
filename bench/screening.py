"""Measure the portal's screening step on a labelled corpus of residents' requests and spam.

    .venv/bin/python bench/screening.py [--show-misses]

The corpus is `screening_corpus_genuine.txt` and `screening_corpus_spam.txt` (one item a
line), written for this bench in varied style: genuine requests about roads, lights,
noise, parking, elderly care, schools…, some with a phone number or a word spam also uses;
spam with links, QQ/WeChat ids, invoices, gambling, porn, weapons, drugs, loans, obfuscated
with spaces, emoji, zero-width and full-width characters, traditional forms.

Two runs on a fresh database with the seeded lexicon:
- "each alone": every item screened as the only submission (lexicon, links, contacts);
- "mixed stream": all items in a shuffled order from distinct clients, through `screen()`
  with its repetition checks, as a busy day on the portal would see them.
Printed: the share of spam held (marked for a moderator), of spam marked spam, and of
genuine requests passed straight to the queue (no mark at all). Goals: 95 % / — / 95 %.
"""

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

GOAL = 0.95


def load(name: str) -> list[str]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def report(label: str, spam_verdicts, genuine_verdicts) -> bool:
    held = sum(v.held for v in spam_verdicts) / len(spam_verdicts)
    marked = sum(v.spam for v in spam_verdicts) / len(spam_verdicts)
    passed = sum(not v.held for v in genuine_verdicts) / len(genuine_verdicts)
    genuine_spam = sum(v.spam for v in genuine_verdicts)
    ok = held >= GOAL and passed >= GOAL and genuine_spam == 0
    print(f"{label}:")
    print(f"  spam held                     {held:7.1%}   (goal ≥ {GOAL:.0%})")
    print(f"  spam marked spam              {marked:7.1%}")
    print(f"  genuine passed straight       {passed:7.1%}   (goal ≥ {GOAL:.0%})")
    print(f"  genuine marked spam           {genuine_spam:7d}   (goal 0)")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="xs-bench-screening-")
    os.environ.setdefault("XIESHANG_VAR_DIR", var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.core.management import call_command

    from xieshang.portal import screening
    from xieshang.portal.models import ScreenedText

    call_command("migrate", verbosity=0)
    spam, genuine = load("screening_corpus_spam.txt"), load("screening_corpus_genuine.txt")
    print(f"corpus: {len(spam)} spam, {len(genuine)} genuine")

    terms = screening.active_terms(None)
    alone = {text: screening.assess([text], terms=terms).verdict() for text in spam + genuine}
    ok = report("each alone", [alone[t] for t in spam], [alone[t] for t in genuine])

    ScreenedText.objects.all().delete()
    stream = [(t, True) for t in spam] + [(t, False) for t in genuine]
    random.Random(args.seed).shuffle(stream)
    mixed = {}
    for i, (text, _is_spam) in enumerate(stream):
        mixed[text] = screening.screen(organisation=None, texts=[text], client=f"10.1.{i}.1")
    ok = report("mixed stream", [mixed[t] for t in spam], [mixed[t] for t in genuine]) and ok

    if args.show_misses:
        print("\nspam not held:")
        for t in spam:
            if not mixed[t].held:
                print(f"  {t}  {mixed[t]}")
        print("genuine held:")
        for t in genuine:
            if mixed[t].held:
                print(f"  {t}  {mixed[t].reasons}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
