"""A stand-in for the ``apertium`` command: lists spa-eng and eng-spa; "translates" by
upper-casing; hangs on text containing "hang", fails on "fail"; logs every call to the file
named by STANDIN_LOG (one line per translation asked for)."""

from __future__ import annotations

import os
import sys
import time

if __name__ == "__main__":
    if sys.argv[1:] == ["-l"]:
        print("spa-eng\neng-spa")
        sys.exit(0)
    text = sys.stdin.read()
    with open(os.environ["STANDIN_LOG"], "a") as log:
        log.write(f"{sys.argv[-1]} {text!r}\n")
    if "hang" in text:
        time.sleep(600)
    if "fail" in text:
        print("the stand-in was told to fail", file=sys.stderr)
        sys.exit(1)
    print(text.upper())
