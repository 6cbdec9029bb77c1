"""A stand-in for an Apertium pipeline in null-flush mode (``standin -z MODE``, named by a
mode file): "translates" each NUL-terminated input by upper-casing; hangs on text
containing "hang", dies on "fail"; logs every input to the file named by STANDIN_LOG (one
line per translation asked for)."""

from __future__ import annotations

import os
import re
import sys
import time

END = "[][\n]"

if __name__ == "__main__":
    mode = sys.argv[-1]
    buffer = b""
    while chunk := os.read(0, 65536):
        buffer += chunk
        *inputs, buffer = buffer.split(b"\0")
        for raw in inputs:
            text = re.sub(r"^\[#\d+\]", "", raw.decode().removesuffix(END))
            with open(os.environ["STANDIN_LOG"], "a") as log:
                log.write(f"{mode} {text!r}\n")
            if "hang" in text:
                time.sleep(600)
            if "fail" in text:
                print("the stand-in was told to fail", file=sys.stderr, flush=True)
                sys.exit(1)
            os.write(1, raw.upper() + b"\0")
